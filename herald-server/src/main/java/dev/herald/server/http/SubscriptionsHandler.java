package dev.herald.server.http;

import dev.herald.core.Hub;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.dispatch.SubscriptionsQuery;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /.well-known/mercure/subscriptions[/...]}: the active subscriptions in the shape of
 * the request's dialect ({@link SubscriptionsApi}), for a subscriber whose token grants subscribing
 * to the requested path, one page at a time ({@code limit}, {@code cursor}, a {@code rel="next"}
 * link). Immutable; runs on the channel's event loop and answers there.
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
      throw new HttpError(
          HttpResponseStatus.NOT_FOUND,
          "the subscriptions API is off (start the hub with --subscriptions)");
    }
    authorizer.subscriptionsReader(exchange);
    SubscriptionFormat format = exchange.dialect().subscriptionFormat();
    if (exchange.query().containsKey(SubscriptionsApi.COUNT)) {
      answerCount(exchange, format);
      return;
    }
    SubscriptionFormat.Lookup lookup = SubscriptionsApi.parse(format, exchange.rawPath());
    SubscriptionsApi.Paging paging = SubscriptionsApi.paging(exchange.query());
    // One subscription is a seek to its subscriber: the cursor and limit only page collections.
    SubscriptionsQuery query =
        lookup.single()
            ? SubscriptionsQuery.of(lookup, null, 1)
            : SubscriptionsQuery.of(lookup, paging.after(), paging.limit());
    exchange.respondWhenDone(
        hub.subscriptions(query),
        page -> {
          // Rendered here on the loop, which is why a page is bounded.
          FullHttpResponse response =
              Responses.full(
                  HttpResponseStatus.OK,
                  format.contentType(),
                  Unpooled.copiedBuffer(
                      SubscriptionsApi.render(format, lookup, paging, page),
                      StandardCharsets.UTF_8));
          response
              .headers()
              .set(HttpHeaderNames.ETAG, "\"" + page.lastEventId() + "\"")
              .set(HttpHeaderNames.CACHE_CONTROL, "must-revalidate")
              .set("link", format.link(page.lastEventId()));
          String next = SubscriptionsApi.nextLink(lookup, paging, page);
          if (next != null) {
            response.headers().add("link", next); // after rel="mercure", which stays the first
          }
          return response;
        },
        failure -> HttpError.from(failure, ""));
  }

  /**
   * {@code ?count}: how many subscriptions a collection holds (a topic's, or all), from counters
   * kept as subscribers come and go, so polling it costs no scan.
   */
  private void answerCount(Exchange exchange, SubscriptionFormat format) {
    String topic = SubscriptionsApi.countedTopic(format, exchange.rawPath());
    int count = topic == null ? hub.presence().total() : hub.presence().count(topic);
    String lastEventId = hub.lastEventId();
    FullHttpResponse response =
        Responses.full(
            HttpResponseStatus.OK,
            format.contentType(),
            Unpooled.copiedBuffer(
                SubscriptionsApi.renderCount(format, exchange.rawPath(), count, lastEventId),
                StandardCharsets.UTF_8));
    response
        .headers()
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .set("link", format.link(lastEventId));
    exchange.respond(response);
  }
}
