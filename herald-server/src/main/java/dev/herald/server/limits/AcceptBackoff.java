package dev.herald.server.limits;

import dev.herald.core.RateLimitedLog;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on a listening channel and turns a failed accept (EMFILE, ENFILE: out of file descriptors)
 * into a pause: accepting stops, then resumes after a back-off that doubles while accepts keep
 * failing (up to {@link #MAX_BACKOFF_MILLIS}) and starts over after one succeeds. The failure is
 * counted and logged at most once per interval, without a stack trace.
 *
 * <p>Without it, Netty's acceptor pauses a fixed second but passes every failure on to the end of
 * the pipeline, which logs a stack trace each time; and on io_uring the read completion that
 * reports the failure has already asked for the next accept, so the pause comes one failure late.
 * Handling it here, before the acceptor, stops both.
 *
 * <p>One instance per listener; runs on the listener's event loop.
 */
public final class AcceptBackoff extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(AcceptBackoff.class);
  static final long MIN_BACKOFF_MILLIS = 50;
  static final long MAX_BACKOFF_MILLIS = 1_000;

  private final LimitCounters counters;
  private final RateLimitedLog failures;
  private long backoffMillis = MIN_BACKOFF_MILLIS;
  private boolean paused;

  public AcceptBackoff(LimitCounters counters, RateLimitedLog failures) {
    this.counters = counters;
    this.failures = failures;
  }

  /** The shared log of accept failures. */
  public static RateLimitedLog newLog() {
    return new RateLimitedLog(log);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object child) {
    backoffMillis = MIN_BACKOFF_MILLIS; // an accept worked: the next failure pauses briefly again
    ctx.fireChannelRead(child);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (paused) {
      return; // io_uring's accept already in flight failed too: same pause
    }
    paused = true;
    long pause = backoffMillis;
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    counters.acceptBackedOff();
    failures.warn("accept on {} failed ({}); pausing accepts for {} ms",
        ctx.channel().localAddress(), cause.getMessage(), pause);
    ChannelConfig config = ctx.channel().config();
    config.setAutoRead(false);
    ctx.executor().schedule(() -> {
      paused = false;
      if (ctx.channel().isOpen()) {
        config.setAutoRead(true);
      }
    }, pause, TimeUnit.MILLISECONDS);
  }
}
