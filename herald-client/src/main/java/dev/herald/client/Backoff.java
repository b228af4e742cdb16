package dev.herald.client;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with jitter: the n-th consecutive failure waits a random time between half
 * and all of {@code base * 2^n}, capped, so many clients that lost the same hub do not come back in
 * step. Immutable; the random source decides thread-safety ({@code ThreadLocalRandom} is safe).
 */
final class Backoff {

  private final Duration cap;
  private final LongUnaryOperator random; // bound -> [0, bound)

  Backoff(Duration cap, LongUnaryOperator random) {
    this.cap = cap;
    this.random = random;
  }

  /** The delay before the next attempt after {@code failures} consecutive failures (0 = none). */
  Duration delay(Duration base, int failures) {
    long baseMillis = Math.max(1, base.toMillis());
    long ceiling = Math.min(cap.toMillis(), baseMillis << Math.min(failures, 20));
    ceiling = Math.max(ceiling, 1);
    long floor = ceiling / 2;
    return Duration.ofMillis(floor + random.applyAsLong(Math.max(1, ceiling - floor + 1)));
  }
}
