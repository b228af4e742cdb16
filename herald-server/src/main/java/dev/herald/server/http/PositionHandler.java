package dev.herald.server.http;

import dev.herald.core.DiscoveryLink;
import dev.herald.core.Hub;
import dev.herald.core.auth.Grants;
import dev.herald.server.http.ProtocolDialect.AuthFailure;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET}/{@code HEAD /.well-known/mercure/last-event-id}: the hub's position for a publisher,
 * as Mercure discovery hands it to subscribers: {@code Link: </.well-known/mercure>; rel="mercure";
 * last-event-id="…"}, and the id alone as the body. An application reads it before it reads its own
 * state and passes it on with that state; the page subscribes from it and misses nothing published
 * in between. The id is that of the last event the hub handed to its subscribers ({@code earliest}
 * while it has none), read from one volatile field: no history access, no hop off the event loop.
 *
 * <p>Publishers only: the id may be that of a private update. Immutable; runs on the channel's
 * event loop.
 */
final class PositionHandler implements RouteHandler {

  static final String PATH = HubRoutes.HUB_PATH + "/last-event-id";

  private final Hub hub;
  private final Authorizer authorizer;

  PositionHandler(Hub hub, Authorizer authorizer) {
    this.hub = hub;
    this.authorizer = authorizer;
  }

  @Override
  public void handle(Exchange exchange) {
    Grants claims = authorizer.publisher(exchange);
    if (!claims.publishesAnything()) {
      throw exchange
          .dialect()
          .rejection(
              AuthFailure.INSUFFICIENT,
              "the hub's position is for publishers (expected: a token granting publish)");
    }
    // Read after the token is checked, so a slow check can only make the position newer.
    String id = hub.lastEventId();
    byte[] body = (id + "\n").getBytes(StandardCharsets.UTF_8);
    boolean head = exchange.method().equals(HttpMethod.HEAD);
    FullHttpResponse response =
        Responses.full(
            HttpResponseStatus.OK,
            "text/plain; charset=utf-8",
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response
        .headers()
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set("link", DiscoveryLink.of(HubRoutes.HUB_PATH, id))
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    exchange.respond(response);
  }
}
