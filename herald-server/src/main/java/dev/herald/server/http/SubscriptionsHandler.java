package dev.herald.server.http;

import dev.herald.core.Hub;
import dev.herald.core.dispatch.SubscriptionFormat;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /.well-known/mercure/subscriptions[/...]}: the active subscriptions in the shape of
 * the request's dialect ({@link SubscriptionsApi}), for a subscriber whose token grants
 * subscribing to the requested path. Immutable; runs on the channel's event loop and answers
 * there.
 */
final class SubscriptionsHandler implements RouteHandler {

  private final Hub hub;
  private final Authorizer authorizer;

  SubscriptionsHandler(Hub hub, Authorizer authorizer) {
    this.hub = hub;
    this.authorizer = authorizer;
  }

  @Override
  public void handle(Exchange exchange) {
    if (!hub.config().subscriptionEvents()) {
      throw new HttpError(HttpResponseStatus.NOT_FOUND,
          "the subscriptions API is off (start the hub with --subscriptions)");
    }
    authorizer.subscriptionsReader(exchange);
    SubscriptionFormat format = exchange.dialect().subscriptionFormat();
    SubscriptionFormat.Lookup lookup = SubscriptionsApi.parse(format, exchange.rawPath());
    exchange.respondWhenDone(hub.subscriptions(), snapshot -> {
      FullHttpResponse response = Responses.full(HttpResponseStatus.OK, format.contentType(),
          Unpooled.copiedBuffer(SubscriptionsApi.render(format, lookup, snapshot),
              StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.ETAG, "\"" + snapshot.lastEventId() + "\"")
          .set(HttpHeaderNames.CACHE_CONTROL, "must-revalidate")
          .set("link", format.link(snapshot.lastEventId()));
      return response;
    }, failure -> HttpError.from(failure, ""));
  }
}
