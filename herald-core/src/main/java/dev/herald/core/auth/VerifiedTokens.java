package dev.herald.core.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and claims were already checked, so a publisher sending the same token
 * thousands of times a second pays for one verification: a remembered token only has its time
 * window checked again, and only while the key that verified it is still trusted. Bounded: when
 * full it is emptied, and the live tokens refill it at once. Both protocol versions' verifiers keep
 * one.
 *
 * <p>Thread-safety: a concurrent map; one instance serves every thread, and nothing blocks.
 *
 * @param <V> what a full verification yields
 */
final class VerifiedTokens<V extends VerifiedTokens.Verified> {

  /** Verified tokens remembered at once; publishers and reconnecting browsers repeat theirs. */
  static final int CAPACITY = 4_096;

  /** What a full verification yields, as far as remembering it goes. */
  interface Verified {
    /** When the token expires, or null if it does not. */
    Instant expiresAt();

    /** When the token starts being valid, or null if at once. */
    Instant notBefore();

    /** Whether the key that verified the token is still among the trusted keys. */
    boolean stillTrusted();
  }

  /** The full check of a token not remembered (signature, claims, times). */
  @FunctionalInterface
  interface FullCheck<V> {
    V verify(String compactJws) throws AuthException;
  }

  private final Clock clock;
  private final Map<String, V> verified = new ConcurrentHashMap<>();

  VerifiedTokens(Clock clock) {
    this.clock = clock;
  }

  /**
   * The remembered verification of {@code compactJws} if it is still in its time window, else
   * {@code fullCheck}'s, which is then remembered.
   */
  V verify(String compactJws, FullCheck<V> fullCheck) throws AuthException {
    V known = verified.get(compactJws);
    if (known != null && known.stillTrusted()) {
      checkTimes(known.expiresAt(), known.notBefore());
      return known;
    }
    V checked = fullCheck.verify(compactJws);
    if (verified.size() >= CAPACITY) {
      verified.clear(); // crude but bounded; the next requests refill it with the live tokens
    }
    verified.put(compactJws, checked);
    return checked;
  }

  /** {@code exp} (when present) in the future and {@code nbf} not, at the clock's time; no skew. */
  void checkTimes(Instant expiresAt, Instant notBefore) throws AuthException {
    Instant now = clock.instant();
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      throw new AuthException("token expired at " + expiresAt + " (now: " + now + ")");
    }
    if (notBefore != null && now.isBefore(notBefore)) {
      throw new AuthException("token not valid before " + notBefore + " (now: " + now + ")");
    }
  }
}
