package dev.herald.server.http;

import dev.herald.core.Hub;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /.well-known/mercure/subscriptions[/{topic}[/{subscriber}]]}: the active
 * subscriptions as JSON-LD ({@link SubscriptionsApi}), for a subscriber whose token covers the
 * URL. Immutable; runs on the channel's event loop and answers there.
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
    SubscriptionsApi.Query query = SubscriptionsApi.parse(exchange.rawPath());
    exchange.respondWhenDone(hub.subscriptions(), snapshot -> {
      FullHttpResponse response = Responses.full(HttpResponseStatus.OK, "application/ld+json",
          Unpooled.copiedBuffer(SubscriptionsApi.render(query, snapshot), StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.ETAG, "\"" + snapshot.lastEventId() + "\"")
          .set(HttpHeaderNames.CACHE_CONTROL, "must-revalidate");
      return response;
    }, failure -> HttpError.from(failure, ""));
  }
}
