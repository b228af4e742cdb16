package dev.herald.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The one builder of complete (non-streaming) responses, errors and the front door's refusals
 * included (handed to it as a {@link dev.herald.server.limits.Refusal}), and their sending. Call on
 * the channel's event loop.
 */
final class Responses {

  /** Advertises the hub on every response of its own pages (Mercure discovery). */
  static final String DISCOVERY_LINK = "</.well-known/mercure>; rel=\"mercure\"";

  private static final AsciiString LINK = AsciiString.cached("link");

  // The constant part of a publish's 200, built once: ASCII values are copied into the head as
  // they are, and no header value is made per answer.
  private static final AsciiString DISCOVERY_LINK_VALUE = AsciiString.cached(DISCOVERY_LINK);
  private static final AsciiString TEXT_UTF8 = AsciiString.cached("text/plain; charset=utf-8");

  /** Content lengths of the ids answered, up to a long IRI's; longer ones are made per answer. */
  private static final AsciiString[] LENGTHS = new AsciiString[256];

  static {
    for (int i = 0; i < LENGTHS.length; i++) {
      LENGTHS[i] = AsciiString.cached(Integer.toString(i));
    }
  }

  /** The publish answer's headers: only this class's constants go in, so they skip validation. */
  private static final HttpHeadersFactory STORED_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private Responses() {}

  static FullHttpResponse text(HttpResponseStatus status, String body) {
    return full(
        status, "text/plain; charset=utf-8", Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
  }

  /**
   * {@code 200} for a stored publish, its body the event's id: the same response as {@link #text},
   * made of pre-built header values, the id written into a pooled buffer, and no trailers.
   */
  static FullHttpResponse stored(String id) {
    int length = ByteBufUtil.utf8Bytes(id);
    ByteBuf body = ByteBufAllocator.DEFAULT.buffer(length);
    ByteBufUtil.reserveAndWriteUtf8(body, id, length);
    HttpHeaders headers =
        STORED_HEADERS
            .newHeaders()
            .add(HttpHeaderNames.CONTENT_TYPE, TEXT_UTF8)
            .add(
                HttpHeaderNames.CONTENT_LENGTH,
                length < LENGTHS.length
                    ? LENGTHS[length]
                    : AsciiString.of(Integer.toString(length)))
            .add(LINK, DISCOVERY_LINK_VALUE);
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body, headers, EmptyHttpHeaders.INSTANCE);
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
        .set(LINK, DISCOVERY_LINK_VALUE);
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
