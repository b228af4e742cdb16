package dev.herald.server.limits;

import dev.herald.server.Limits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clock of an HTTP/2 connection: it must open its first stream within --header-timeout, and
 * is closed (GOAWAY) once it has had no open stream for --idle-timeout. Open event streams keep
 * it open for good. Each stream's own body timeout is a {@link RequestDeadlines}.
 *
 * <p>Sits between the frame codec, whose stream state events it reads, and the multiplexer. One
 * instance per connection; runs on its event loop.
 *
 * <p>Inbound only, unlike {@link RequestDeadlines}, on purpose: as an outbound handler too (the
 * shared {@code Deadline} base) in that spot, a stream whose client stopped reading sometimes
 * never resumed once it read again ({@code Http2FlowControlTest} failed 1 run in 3).
 */
public final class Http2Deadlines extends ChannelInboundHandlerAdapter {

  private final long headerNanos;
  private final long idleNanos;
  private final LimitCounters counters;
  private Http2FrameCodec codec;
  private ScheduledFuture<?> timer;
  private boolean hadStream;

  public Http2Deadlines(Limits limits, LimitCounters counters) {
    this.headerNanos = limits.headerTimeout().toNanos();
    this.idleNanos = limits.idleTimeout().toNanos();
    this.counters = counters;
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
    } else if (timer == null) {
      LimitCounters.Timeout phase =
          hadStream ? LimitCounters.Timeout.IDLE : LimitCounters.Timeout.HEADER;
      timer = ctx.executor().schedule(() -> {
        timer = null;
        counters.timedOut(phase);
        ctx.close(); // the frame codec says GOAWAY first
      }, hadStream ? idleNanos : headerNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
