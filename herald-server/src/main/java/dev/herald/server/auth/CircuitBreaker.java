package dev.herald.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Stops asking an application that keeps failing: after {@code failuresToOpen} consecutive failures
 * the circuit opens and every call is refused at once for {@code openFor}; then one call is let
 * through as a probe, whose success closes the circuit and whose failure opens it again. Time comes
 * from an injected {@link Clock}, so tests move it by hand.
 *
 * <p>Thread-safety: any thread; the state is guarded by this object (a few field updates, never
 * held across a call).
 */
final class CircuitBreaker {

  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failuresToOpen;
  private final Duration openFor;
  private final Clock clock;

  // guarded by this
  private State state = State.CLOSED;
  private int failures;
  private Instant openUntil = Instant.MIN;
  private boolean probing;

  CircuitBreaker(int failuresToOpen, Duration openFor, Clock clock) {
    this.failuresToOpen = failuresToOpen;
    this.openFor = openFor;
    this.clock = clock;
  }

  /**
   * Whether a call may go now. In the half-open state only one may, the probe; its outcome must be
   * reported with {@link #succeeded} or {@link #failed}.
   */
  synchronized boolean tryAcquire() {
    if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
      state = State.HALF_OPEN;
      probing = false;
    }
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> {
        if (probing) {
          yield false;
        }
        probing = true;
        yield true;
      }
    };
  }

  synchronized void succeeded() {
    state = State.CLOSED;
    failures = 0;
    probing = false;
  }

  synchronized void failed() {
    failures++;
    if (state == State.HALF_OPEN || failures >= failuresToOpen) {
      state = State.OPEN;
      openUntil = clock.instant().plus(openFor);
      probing = false;
    }
  }

  /** A call that went but was abandoned without an answer either way (not counted). */
  synchronized void released() {
    probing = false;
  }

  synchronized State state() {
    if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
      return State.HALF_OPEN;
    }
    return state;
  }

  /** Whole seconds until a probe may go, at least 1: what {@code Retry-After} says. */
  synchronized long retryAfterSeconds() {
    if (state != State.OPEN) {
      return 1;
    }
    long millis = Duration.between(clock.instant(), openUntil).toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }
}
