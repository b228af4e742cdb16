package dev.herald.server.sse;

import dev.herald.server.ServerConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The timers of an event stream, each drawn once per stream so that streams opened together do not
 * act together: the heartbeat interval (the configured one less up to a tenth), the lifetime
 * (likewise) and the instant a token expiry closes it (within a short window before {@code exp}).
 * Immutable; safe from any thread.
 *
 * @param heartbeat idle time before a comment is sent; zero for none
 * @param maxLifetime how long a stream may stay open; zero for no limit
 * @param expirySpread the widest window before {@code exp} over which closes are spread
 * @param random {@code bound -> a value in [0, bound)}; tests pass a fixed one
 */
public record StreamTimers(
    Duration heartbeat, Duration maxLifetime, Duration expirySpread, LongUnaryOperator random) {

  public static StreamTimers of(ServerConfig config) {
    return new StreamTimers(
        config.heartbeat(),
        config.limits().maxStreamLifetime(),
        config.limits().expirySpread(),
        bound -> ThreadLocalRandom.current().nextLong(bound));
  }

  /** This stream's heartbeat interval in nanoseconds, in (0.9 h, h]; 0 for none. */
  long heartbeatNanos() {
    return lessUpToATenth(heartbeat.toNanos());
  }

  /** This stream's lifetime in nanoseconds, in (0.9 l, l]; 0 for no limit. */
  long lifetimeNanos() {
    return lessUpToATenth(maxLifetime.toNanos());
  }

  /**
   * When to close a stream whose token expires in {@code remainingNanos}: at {@code exp} less a
   * draw from a window of a tenth of the remaining time, at most {@code expirySpread}, so a fleet
   * of tokens minted together reconnects over that window, and never after {@code exp}.
   */
  long expiryDelayNanos(long remainingNanos) {
    if (remainingNanos <= 0) {
      return 0;
    }
    long window = Math.min(expirySpread.toNanos(), remainingNanos / 10);
    return window <= 0 ? remainingNanos : remainingNanos - random.applyAsLong(window);
  }

  /** The longest time ahead of its close that a stream announces it (renewal notice). */
  static final long RENEWAL_LEAD_NANOS = Duration.ofSeconds(30).toNanos();

  /**
   * When to tell a stream that closes at its token's expiry in {@code closeDelayNanos} to renew: a
   * quarter of that time ahead, at most 30 s, so a client has time to fetch a token and reconnect
   * while the hub still serves the old stream.
   */
  long renewalDelayNanos(long closeDelayNanos) {
    return closeDelayNanos - Math.min(RENEWAL_LEAD_NANOS, closeDelayNanos / 4);
  }

  private long lessUpToATenth(long nanos) {
    return nanos <= 0 ? 0 : nanos - random.applyAsLong(Math.max(1, nanos / 10));
  }
}
