package dev.herald.server.limits;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One deadline at a time on a channel's event loop: arming it replaces the one before; when it
 * passes, the timeout is counted and the expiry runs. Shared by the deadline handlers, whatever
 * their kind (inbound only, or duplex).
 *
 * <p>One instance per handler; event loop only, on the loop's own timers, so tests drive it with
 * simulated time.
 */
final class DeadlineTimer {

  /** What the connection gets once the deadline armed for {@code phase} has passed. */
  interface Expiry {
    void expire(ChannelHandlerContext ctx, LimitCounters.Timeout phase);
  }

  private final LimitCounters counters;
  private ScheduledFuture<?> timer;

  DeadlineTimer(LimitCounters counters) {
    this.counters = counters;
  }

  void arm(ChannelHandlerContext ctx, LimitCounters.Timeout phase, long nanos, Expiry expiry) {
    cancel();
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  timer = null;
                  counters.timedOut(phase);
                  expiry.expire(ctx, phase);
                },
                nanos,
                TimeUnit.NANOSECONDS);
  }

  boolean armed() {
    return timer != null;
  }

  void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
