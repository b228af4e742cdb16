package dev.herald.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache both verifiers share: a remembered token skips the full check but not
 * the time window, and a token whose key is no longer trusted is checked in full again. Runs on the
 * JUnit thread with a simulated clock.
 */
class VerifiedTokensTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private record Checked(Instant expiresAt, Instant notBefore, AtomicBoolean trusted)
      implements VerifiedTokens.Verified {
    @Override
    public boolean stillTrusted() {
      return trusted.get();
    }
  }

  private final MutableClock clock = new MutableClock(START);
  private final VerifiedTokens<Checked> tokens = new VerifiedTokens<>(clock);
  private final AtomicInteger fullChecks = new AtomicInteger();
  private final AtomicBoolean trusted = new AtomicBoolean(true);

  private Checked fullCheck(String token) {
    fullChecks.incrementAndGet();
    return new Checked(START.plusSeconds(60), null, trusted);
  }

  @Test
  void aRememberedTokenIsNotCheckedInFullAgain() throws Exception {
    Checked first = tokens.verify("t", this::fullCheck);
    assertThat(tokens.verify("t", this::fullCheck)).isSameAs(first);
    assertThat(fullChecks).hasValue(1);
  }

  @Test
  void aRememberedTokenStillExpires() throws Exception {
    tokens.verify("t", this::fullCheck);
    clock.advance(Duration.ofSeconds(60));
    assertThatThrownBy(() -> tokens.verify("t", this::fullCheck))
        .isInstanceOf(AuthException.class)
        .hasMessage("token expired at 2026-01-01T00:01:00Z (now: 2026-01-01T00:01:00Z)");
    assertThat(fullChecks).hasValue(1);
  }

  @Test
  void aTokenWhoseKeyIsNoLongerTrustedIsCheckedInFull() throws Exception {
    tokens.verify("t", this::fullCheck);
    trusted.set(false);
    tokens.verify("t", this::fullCheck);
    assertThat(fullChecks).hasValue(2);
  }

  @Test
  void aFullCacheIsEmptiedAndRefilled() throws Exception {
    for (int i = 0; i <= VerifiedTokens.CAPACITY; i++) {
      tokens.verify("t" + i, this::fullCheck);
    }
    int filling = fullChecks.get();
    tokens.verify("t0", this::fullCheck); // forgotten when the cache was emptied
    tokens.verify("t" + VerifiedTokens.CAPACITY, this::fullCheck); // remembered after it
    assertThat(fullChecks).hasValue(filling + 1);
  }

  @Test
  void aTokenNotYetValidIsRefused() {
    VerifiedTokens<Checked> early = new VerifiedTokens<>(clock);
    assertThatThrownBy(() -> early.checkTimes(null, START.plusSeconds(1)))
        .isInstanceOf(AuthException.class)
        .hasMessage("token not valid before 2026-01-01T00:00:01Z (now: 2026-01-01T00:00:00Z)");
  }
}
