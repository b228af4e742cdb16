package dev.herald.server.http;

import dev.herald.core.Hub;
import dev.herald.core.HubException;
import dev.herald.server.sse.NettyDeliveryLoop;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Update;
import dev.herald.core.auth.Grants;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /.well-known/mercure}: a form-encoded update, authorized by the publisher's
 * claims, answered with the event's id once the hub has stored it. Immutable; runs on the
 * channel's event loop and answers there.
 */
final class PublishHandler implements RouteHandler {

  private static final String FORM = "application/x-www-form-urlencoded";
  /** An unexpected failure can repeat on every publish (a broken disk): one line per interval. */
  private static final RateLimitedLog unexpected =
      new RateLimitedLog(LoggerFactory.getLogger(PublishHandler.class));

  private final Hub hub;
  private final Authorizer authorizer;

  PublishHandler(Hub hub, Authorizer authorizer) {
    this.hub = hub;
    this.authorizer = authorizer;
  }

  @Override
  public void handle(Exchange exchange) {
    String contentType = exchange.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    if (!contentType.toLowerCase().startsWith(FORM)) {
      throw new HttpError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "content-type: '" + contentType + "' (expected: " + FORM + ")");
    }
    Grants claims = authorizer.publisher(exchange);
    Update update = exchange.dialect().publishRules().toUpdate(exchange.form());
    authorizer.authorizePublish(exchange, claims, update);
    // Answered on this loop, with the batch's other answers for it: no hop per publish.
    exchange.respondWhenDone(hub.publish(update, new NettyDeliveryLoop(exchange.ctx().executor())),
        event -> Responses.text(HttpResponseStatus.OK, event.id()),
        failure -> {
          if (!(failure instanceof HubException)) {
            unexpected.warn("publish failed: {}", String.valueOf(failure));
          }
          return HttpError.from(failure, "publish failed");
        });
  }
}
