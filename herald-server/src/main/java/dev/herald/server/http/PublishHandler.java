package dev.herald.server.http;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubException;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Update;
import dev.herald.core.dispatch.DeliveryLoop;
import dev.herald.server.sse.NettyDeliveryLoop;
import dev.herald.server.trace.PublishRequestTrace;
import dev.herald.server.trace.Tracing;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletionStage;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /.well-known/mercure}: a form-encoded update, authorized by the publisher's claims,
 * answered with the event's id once the hub has stored it. With tracing on, the request, its
 * authorization and the publish are spans ({@link PublishRequestTrace}); with it off, the handler
 * takes the same path as before tracing existed. Immutable; runs on the channel's event loop and
 * answers there.
 */
final class PublishHandler implements RouteHandler {

  private static final String FORM = "application/x-www-form-urlencoded";

  /** An unexpected failure can repeat on every publish (a broken disk): one line per interval. */
  private static final RateLimitedLog unexpected =
      new RateLimitedLog(LoggerFactory.getLogger(PublishHandler.class));

  private final Hub hub;
  private final Authorizer authorizer;
  private final Tracing tracing;

  PublishHandler(Hub hub, Authorizer authorizer, Tracing tracing) {
    this.hub = hub;
    this.authorizer = authorizer;
    this.tracing = tracing;
  }

  @Override
  public void handle(Exchange exchange) {
    if (tracing.enabled()) {
      handleTraced(exchange);
      return;
    }
    exchange.whenDecided(
        authorized(exchange),
        update ->
            // Answered on this loop, with the batch's other answers for it: no hop per publish.
            exchange.respondWhenDone(
                hub.publish(update, loopOf(exchange)),
                PublishHandler::stored,
                failure -> failed(failure, null)),
        HttpError::of);
  }

  private void handleTraced(Exchange exchange) {
    PublishRequestTrace trace =
        PublishRequestTrace.start(
            tracing,
            exchange.headers(),
            HubRoutes.HUB_PATH,
            exchange.path(),
            clientAddress(exchange));
    try {
      CompletionStage<Update> authorized =
          trace.authorize(() -> authorized(exchange), PublishHandler::statusOf);
      DeliveryLoop loop = loopOf(exchange);
      exchange.whenDecided(
          authorized,
          update ->
              exchange.respondWhenDone(
                  trace.publish(update, u -> hub.publish(u, loop)),
                  event -> trace.answered(stored(event)),
                  failure -> traced(trace, failed(failure, trace.traceId()))),
          failure -> traced(trace, HttpError.of(failure)));
    } catch (HttpError e) {
      throw traced(trace, e);
    } catch (HubException e) {
      throw traced(trace, HttpError.from(e));
    } catch (RuntimeException e) {
      trace.end(HttpResponseStatus.INTERNAL_SERVER_ERROR);
      throw e;
    }
  }

  private static DeliveryLoop loopOf(Exchange exchange) {
    return new NettyDeliveryLoop(exchange.ctx().executor());
  }

  /**
   * The update, once the publisher may publish it (at once from a token, later from the
   * authorization callback); throws the edge's errors otherwise.
   */
  private CompletionStage<Update> authorized(Exchange exchange) {
    String contentType = exchange.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    if (!contentType.toLowerCase().startsWith(FORM)) {
      throw new HttpError(
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "content-type: '" + contentType + "' (expected: " + FORM + ")");
    }
    return authorizer.publishable(
        exchange, request -> request.dialect().publishRules().toUpdate(request.form()));
  }

  private static FullHttpResponse stored(Event event) {
    return Responses.stored(event.id());
  }

  /**
   * @param traceId the publish's trace, for the log line; null when not traced
   */
  private static HttpError failed(Throwable failure, String traceId) {
    if (!(failure instanceof HubException)) {
      if (traceId == null) {
        unexpected.warn("publish failed: {}", String.valueOf(failure));
      } else {
        unexpected.warn("publish failed: {} (trace {})", String.valueOf(failure), traceId);
      }
    }
    return HttpError.from(failure, "publish failed");
  }

  /** The error's answer carries {@code traceresponse} too, and ends the request's span. */
  private static HttpError traced(PublishRequestTrace trace, HttpError error) {
    String traceresponse = trace.traceresponse();
    if (traceresponse != null) {
      error.withHeader(PublishRequestTrace.TRACERESPONSE, traceresponse);
    }
    trace.end(error.status());
    return error;
  }

  private static int statusOf(RuntimeException e) {
    if (e instanceof HttpError http) {
      return http.status().code();
    }
    if (e instanceof HubException hub) {
      return HttpError.from(hub).status().code();
    }
    return 0;
  }

  private static String clientAddress(Exchange exchange) {
    SocketAddress remote = exchange.ctx().channel().remoteAddress();
    return remote instanceof InetSocketAddress inet
        ? inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress()
        : null;
  }
}
