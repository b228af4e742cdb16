package dev.herald.server.limits;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * A handler that keeps one deadline at a time on its channel's event loop: arming it replaces the
 * one before, and it is cancelled when the handler is removed or the channel closes. When it
 * passes, the timeout is counted and {@link #expire} decides what the connection gets.
 *
 * <p>One instance per connection or stream; runs on its event loop, with the loop's own timers, so
 * tests drive it with simulated time.
 */
abstract class Deadline extends ChannelDuplexHandler {

  private final DeadlineTimer timer;

  Deadline(LimitCounters counters) {
    this.timer = new DeadlineTimer(counters);
  }

  /** Called on the event loop once the deadline armed for {@code phase} has passed. */
  abstract void expire(ChannelHandlerContext ctx, LimitCounters.Timeout phase);

  final void arm(ChannelHandlerContext ctx, LimitCounters.Timeout phase, long nanos) {
    timer.arm(ctx, phase, nanos, this::expire);
  }

  final boolean armed() {
    return timer.armed();
  }

  final void cancel() {
    timer.cancel();
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
