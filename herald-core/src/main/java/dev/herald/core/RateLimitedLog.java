package dev.herald.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A warning that input can trigger (a bad request, a reset, a failed TLS handshake or accept, a
 * full disk), logged at most once per interval: every occurrence is counted, and the line that does
 * get out says how many were left out before it. A flood then costs a counter increment, never a
 * disk. Lines carry a message only, never a stack trace.
 *
 * <p>Safe from any thread; {@link #warn} takes no lock.
 */
public final class RateLimitedLog {

  /** One line per kind of trouble per interval: a few per minute however hard the flood. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  private final Logger logger;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong occurrences = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private final AtomicLong nextLineNanos;

  public RateLimitedLog(Logger logger) {
    this(logger, DEFAULT_INTERVAL, System::nanoTime);
  }

  /**
   * @param nanoTime a monotonic clock in nanoseconds (tests pass a manual one)
   */
  public RateLimitedLog(Logger logger, Duration interval, LongSupplier nanoTime) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
    this.logger = logger;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.nextLineNanos = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Counts one occurrence and logs it at WARN if no line went out in the last interval.
   *
   * @param format an SLF4J format; the arguments should be messages, not throwables
   */
  public void warn(String format, Object... arguments) {
    occurrences.incrementAndGet();
    long now = nanoTime.getAsLong();
    long next = nextLineNanos.get();
    // Differences, not comparisons: nanoTime may be negative.
    if (now - next < 0 || !nextLineNanos.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long left = suppressed.getAndSet(0);
    if (left == 0) {
      logger.warn(format, arguments);
    } else {
      logger.warn(format + " ({} more like it since the last such line)", append(arguments, left));
    }
  }

  /** Occurrences counted since start, logged or not. */
  public long occurrences() {
    return occurrences.get();
  }

  private static Object[] append(Object[] arguments, Object last) {
    Object[] out = new Object[arguments.length + 1];
    System.arraycopy(arguments, 0, out, 0, arguments.length);
    out[arguments.length] = last;
    return out;
  }
}
