package dev.herald.server.limits;

import dev.herald.server.Limits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;

/**
 * The clock of an HTTP/2 connection: it must open its first stream within --header-timeout, and
 * is closed (GOAWAY) once it has had no open stream for --idle-timeout. Open event streams keep
 * it open for good. Each stream's own body timeout is a {@link RequestDeadlines}.
 *
 * <p>Sits between the frame codec, whose stream state events it reads, and the multiplexer. One
 * instance per connection; runs on its event loop.
 */
public final class Http2Deadlines extends Deadline {

  private final long headerNanos;
  private final long idleNanos;
  private Http2FrameCodec codec;
  private boolean hadStream;

  public Http2Deadlines(Limits limits, LimitCounters counters) {
    super(counters);
    this.headerNanos = limits.headerTimeout().toNanos();
    this.idleNanos = limits.idleTimeout().toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    codec = ctx.pipeline().get(Http2FrameCodec.class);
    update(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2FrameStreamEvent) {
      update(ctx);
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void update(ChannelHandlerContext ctx) {
    // Closed streams are counted out before their state event fires.
    if (codec != null && codec.connection().numActiveStreams() > 0) {
      hadStream = true;
      cancel();
    } else if (!armed()) {
      arm(ctx, hadStream ? LimitCounters.Timeout.IDLE : LimitCounters.Timeout.HEADER,
          hadStream ? idleNanos : headerNanos);
    }
  }

  @Override
  void expire(ChannelHandlerContext ctx, LimitCounters.Timeout phase) {
    ctx.close(); // the frame codec says GOAWAY first
  }
}
