package dev.herald.server.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How an open stream's bytes reach the connection once its response headers are out.
 *
 * <p>On HTTP/1.1 the stream owns the connection for good, so each batch is framed as one HTTP chunk
 * in the same buffer and written below the HTTP codec: no per-write message objects and no trip
 * through handlers that have nothing left to do. On an HTTP/2 stream, batches go through the
 * stream's HTTP codec as content, which turns them into DATA frames under flow control.
 *
 * <p>Runs on the channel's event loop only.
 */
abstract class FrameWriter {

  /** A buffer to append event frames to; {@link #write} takes it over. */
  abstract ByteBuf newBatch(int sizeHint);

  abstract void write(ByteBuf batch);

  abstract void flush();

  /** Ends the response, then closes the connection (or the HTTP/2 stream). */
  abstract void endAndClose();

  final void writeBytes(byte[] bytes) {
    ByteBuf batch = newBatch(bytes.length);
    batch.writeBytes(bytes);
    write(batch);
  }

  /**
   * The writer for the channel the handler runs on, once the response head is written. The stream
   * owns the connection (or HTTP/2 stream) from then on, so the request-side handlers between the
   * codec and the handler (aggregator, CORS, keep-alive, h2c upgrade) are removed: they have
   * nothing left to do, and an idle stream should not keep them, nor the request CORS holds on to.
   */
  static FrameWriter takeOver(ChannelHandlerContext handler) {
    ChannelPipeline pipeline = handler.pipeline();
    ChannelHandlerContext http1 = pipeline.context(HttpServerCodec.class);
    ChannelHandlerContext codec =
        http1 != null ? http1 : pipeline.context(Http2StreamFrameToHttpObjectCodec.class);
    if (codec != null) {
      List<String> names = pipeline.names();
      int from = names.indexOf(codec.name());
      int to = names.indexOf(handler.name());
      for (String name : names.subList(from + 1, Math.max(from + 1, to))) {
        pipeline.remove(name);
      }
    }
    // Held flushes only pay for answers to pipelined requests; a stream has none, and an idle
    // stream should not carry the handler.
    if (pipeline.get(FlushConsolidationHandler.class) != null) {
      pipeline.remove(FlushConsolidationHandler.class);
    }
    return http1 == null ? new HttpContentWriter(handler) : new ChunkWriter(http1);
  }

  /** HTTP/1.1: {@code Transfer-Encoding: chunked} framing written by hand below the codec. */
  private static final class ChunkWriter extends FrameWriter {
    /** A fixed-width size field: chunk sizes may have leading zeros, so it is filled in last. */
    private static final int SIZE_DIGITS = 8;

    private static final int HEADER = SIZE_DIGITS + 2;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final ChannelHandlerContext codec;

    ChunkWriter(ChannelHandlerContext codec) {
      this.codec = codec;
    }

    @Override
    ByteBuf newBatch(int sizeHint) {
      ByteBuf batch = codec.alloc().ioBuffer(HEADER + Math.max(sizeHint, 256) + CRLF.length);
      batch.writerIndex(HEADER);
      return batch;
    }

    @Override
    void write(ByteBuf batch) {
      int size = batch.writerIndex() - HEADER;
      for (int i = SIZE_DIGITS - 1, rest = size; i >= 0; i--, rest >>>= 4) {
        batch.setByte(i, HEX[rest & 0xF]);
      }
      batch.setByte(SIZE_DIGITS, '\r').setByte(SIZE_DIGITS + 1, '\n');
      batch.writeBytes(CRLF);
      // Written from the codec's context, so it goes straight to the transport (and TLS).
      codec.write(batch, codec.voidPromise());
    }

    @Override
    void flush() {
      codec.flush();
    }

    @Override
    void endAndClose() {
      codec
          .writeAndFlush(Unpooled.wrappedBuffer(LAST_CHUNK))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** HTTP/2: content through the stream's codec, which frames and flow-controls it. */
  private static final class HttpContentWriter extends FrameWriter {
    private final ChannelHandlerContext ctx;

    HttpContentWriter(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    ByteBuf newBatch(int sizeHint) {
      return ctx.alloc().ioBuffer(Math.max(sizeHint, 256));
    }

    @Override
    void write(ByteBuf batch) {
      ctx.write(new DefaultHttpContent(batch), ctx.voidPromise());
    }

    @Override
    void flush() {
      ctx.flush();
    }

    @Override
    void endAndClose() {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
