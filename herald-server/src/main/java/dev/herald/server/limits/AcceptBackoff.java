package dev.herald.server.limits;

import dev.herald.core.RateLimitedLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AttributeKey;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on a listening channel, before Netty's acceptor: asks the {@link ConnectionLimiter} about
 * each accepted socket before it is registered (a dropped one never is), and turns a failed accept
 * (EMFILE, ENFILE: out of file descriptors) into a pause: accepting stops, then resumes after a
 * back-off that doubles while accepts keep failing (up to {@link #MAX_BACKOFF_MILLIS}) and starts
 * over after one succeeds. A failure is counted and logged at most once per interval, without a
 * stack trace.
 *
 * <p>Without it, Netty's acceptor pauses a fixed second but passes every failure on to the end of
 * the pipeline, which logs a stack trace each time; and on io_uring the read completion that
 * reports the failure has already asked for the next accept, so the pause comes one failure late.
 * Handling it here, before the acceptor, stops both.
 *
 * <p>One instance per listener; runs on the listener's event loop. The verdict travels to the
 * connection's set-up as the socket's {@link #VERDICT} attribute.
 */
public final class AcceptBackoff extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(AcceptBackoff.class);
  static final long MIN_BACKOFF_MILLIS = 50;
  static final long MAX_BACKOFF_MILLIS = 1_000;

  /**
   * Descriptors kept free below the open-file limit. The kernel gives each new socket the lowest
   * free number, so an accepted socket numbered this close to the limit means the process is about
   * to run out: it is dropped and accepting pauses, before an accept, a history file or a class
   * file fails with EMFILE (on io_uring, closes complete asynchronously, so a flood can hold
   * descriptors for a while after Netty let them go).
   */
  static final int HEADROOM = 64;

  /** What {@link ConnectionLimiter#verdict} decided for a socket, for its set-up to act on. */
  public static final AttributeKey<ConnectionLimiter.Verdict> VERDICT =
      AttributeKey.valueOf("herald.verdict");

  private final ConnectionLimiter limiter;
  private final boolean canAnswer;
  private final long openFileLimit;
  private final LimitCounters counters;
  private final RateLimitedLog failures;
  private long backoffMillis = MIN_BACKOFF_MILLIS;
  private boolean paused;

  /**
   * @param canAnswer whether the listener speaks cleartext HTTP, so a refusal can be said
   * @param openFileLimit the process's open-file limit, or -1 when unknown
   */
  public AcceptBackoff(
      ConnectionLimiter limiter,
      boolean canAnswer,
      long openFileLimit,
      LimitCounters counters,
      RateLimitedLog failures) {
    this.limiter = limiter;
    this.canAnswer = canAnswer;
    this.openFileLimit = openFileLimit;
    this.counters = counters;
    this.failures = failures;
  }

  /** The shared log of accept failures. */
  public static RateLimitedLog newLog() {
    return new RateLimitedLog(log);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object child) {
    if (child instanceof UnixChannel unix
        && openFileLimit > 0
        && unix.fd().intValue() >= openFileLimit - HEADROOM) {
      ((Channel) child).unsafe().closeForcibly(); // never registered: released at once
      counters.rejected(LimitCounters.Rejection.FILE_DESCRIPTORS);
      failures.warn(
          "accepted socket {} of an open-file limit of {} on {}: dropping new"
              + " connections for {} ms",
          unix.fd().intValue(),
          openFileLimit,
          ctx.channel().localAddress(),
          backoffMillis);
      pause(ctx, backoffMillis);
      backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
      return;
    }
    backoffMillis = MIN_BACKOFF_MILLIS; // an accept worked: the next failure pauses briefly
    if (child instanceof Channel socket) {
      ConnectionLimiter.Verdict verdict;
      try {
        verdict = limiter.verdict(socket, canAnswer);
      } catch (RuntimeException | LinkageError e) {
        // Never registered, so nothing else would ever close it.
        socket.unsafe().closeForcibly();
        failures.warn(
            "accepted socket on {} could not be set up ({}); closed",
            ctx.channel().localAddress(),
            e.toString());
        return;
      }
      if (verdict == ConnectionLimiter.Verdict.DROPPED) {
        return;
      }
      socket.attr(VERDICT).set(verdict);
    }
    ctx.fireChannelRead(child);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    counters.acceptFailed();
    if (paused) {
      return; // io_uring's accept already in flight failed too: same pause
    }
    long pause = backoffMillis;
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    failures.warn(
        "accept on {} failed ({}); pausing accepts for {} ms",
        ctx.channel().localAddress(),
        cause.getMessage(),
        pause);
    pause(ctx, pause);
  }

  private void pause(ChannelHandlerContext ctx, long pause) {
    if (paused) {
      return;
    }
    paused = true;
    counters.acceptBackedOff();
    ChannelConfig config = ctx.channel().config();
    config.setAutoRead(false);
    ctx.executor()
        .schedule(
            () -> {
              paused = false;
              if (ctx.channel().isOpen()) {
                config.setAutoRead(true);
              }
            },
            pause,
            TimeUnit.MILLISECONDS);
  }
}
