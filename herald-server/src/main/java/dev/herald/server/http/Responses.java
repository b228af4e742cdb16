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

/** Builds and sends complete (non-streaming) responses. Call on the channel's event loop. */
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
