package dev.herald.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The one builder of complete (non-streaming) responses, errors and the front door's refusals
 * included (handed to it as a {@link dev.herald.server.limits.Refusal}), and their sending. Call on
 * the channel's event loop.
 */
final class Responses {

  /** Advertises the hub on every response of its own pages (Mercure discovery). */
  static final String DISCOVERY_LINK = "</.well-known/mercure>; rel=\"mercure\"";

  private Responses() {}

  static FullHttpResponse text(HttpResponseStatus status, String body) {
    return full(
        status, "text/plain; charset=utf-8", Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
  }

  static FullHttpResponse json(HttpResponseStatus status, String body) {
    return full(status, "application/json", Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
  }

  /** An error: the status and a one-line reason a developer can act on. */
  static FullHttpResponse error(HttpResponseStatus status, String reason) {
    return text(status, reason + "\n");
  }

  /**
   * The front door's refusal: an error that says the connection closes, and no discovery link (the
   * request never reached the hub).
   */
  static FullHttpResponse refusal(HttpResponseStatus status, String reason) {
    FullHttpResponse response = error(status, reason);
    response.headers().remove("link").set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  static FullHttpResponse full(HttpResponseStatus status, String contentType, ByteBuf body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set("link", DISCOVERY_LINK);
    return response;
  }

  /** Sends the response; closes the connection afterwards unless it is to be kept alive. */
  static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    HttpUtil.setKeepAlive(response, keepAlive);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }
}
