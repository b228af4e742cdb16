package dev.herald.server.limits;

import dev.herald.server.Limits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;

/**
 * The clock of an HTTP/2 connection: it must open its first stream within --header-timeout, and is
 * closed (GOAWAY) once it has had no open stream for --idle-timeout. Open event streams keep it
 * open for good. Each stream's own body timeout is a {@link RequestDeadlines}.
 *
 * <p>Sits between the frame codec, whose stream state events it reads, and the multiplexer. One
 * instance per connection; runs on its event loop.
 *
 * <p>Inbound only: every stream's writes pass this spot, and it has nothing to do with them (unlike
 * {@link RequestDeadlines}, which watches the answer go out); it shares the timer with it ({@link
 * DeadlineTimer}).
 */
final class Http2Deadlines extends ChannelInboundHandlerAdapter {

  private final long headerNanos;
  private final long idleNanos;
  private final DeadlineTimer timer;
  private Http2FrameCodec codec;
  private boolean hadStream;

  Http2Deadlines(Limits limits, LimitCounters counters) {
    this.headerNanos = limits.headerTimeout().toNanos();
    this.idleNanos = limits.idleTimeout().toNanos();
    this.timer = new DeadlineTimer(counters);
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
      timer.cancel();
    } else if (!timer.armed()) {
      timer.arm(
          ctx,
          hadStream ? LimitCounters.Timeout.IDLE : LimitCounters.Timeout.HEADER,
          hadStream ? idleNanos : headerNanos,
          (expired, phase) -> expired.close()); // the frame codec says GOAWAY first
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timer.cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timer.cancel();
    ctx.fireChannelInactive();
  }
}
