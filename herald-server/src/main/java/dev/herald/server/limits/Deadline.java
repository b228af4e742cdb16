package dev.herald.server.limits;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A handler that keeps one deadline at a time on its channel's event loop: arming it replaces the
 * one before, and it is cancelled when the handler is removed or the channel closes. When it
 * passes, the timeout is counted and {@link #expire} decides what the connection gets.
 *
 * <p>One instance per connection or stream; runs on its event loop, with the loop's own timers,
 * so tests drive it with simulated time.
 */
abstract class Deadline extends ChannelDuplexHandler {

  private final LimitCounters counters;
  private ScheduledFuture<?> timer;

  Deadline(LimitCounters counters) {
    this.counters = counters;
  }

  /** Called on the event loop once the deadline armed for {@code phase} has passed. */
  abstract void expire(ChannelHandlerContext ctx, LimitCounters.Timeout phase);

  final void arm(ChannelHandlerContext ctx, LimitCounters.Timeout phase, long nanos) {
    cancel();
    timer = ctx.executor().schedule(() -> {
      timer = null;
      counters.timedOut(phase);
      expire(ctx, phase);
    }, nanos, TimeUnit.NANOSECONDS);
  }

  final boolean armed() {
    return timer != null;
  }

  final void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
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
}
