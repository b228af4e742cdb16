package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.auth.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The circuit on simulated time: opens after repeated failures, probes once, closes on success. */
class CircuitBreakerTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), clock);

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.failed();
    }
  }

  @Test
  void opensAfterTheThirdConsecutiveFailureAndNotBefore() {
    fail(2);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    fail(1);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.retryAfterSeconds()).isEqualTo(10);
    clock.advance(Duration.ofMillis(9_001));
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void aSuccessInBetweenStartsTheCountAgain() {
    fail(2);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.succeeded();
    fail(2);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void afterTheOpenIntervalOneProbeGoesAndItsSuccessCloses() {
    fail(3);
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.tryAcquire()).as("the probe").isTrue();
    assertThat(breaker.tryAcquire()).as("only one probe at a time").isFalse();
    breaker.succeeded();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbeOpensTheCircuitForAnotherInterval() {
    fail(3);
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.failed();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    clock.advance(Duration.ofSeconds(9));
    assertThat(breaker.tryAcquire()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aProbeAbandonedWithoutAnAnswerLetsTheNextOneGo() {
    fail(3);
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.released();
    assertThat(breaker.tryAcquire()).isTrue();
  }
}
