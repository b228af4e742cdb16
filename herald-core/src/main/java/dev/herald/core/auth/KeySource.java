package dev.herald.core.auth;

import java.util.List;

/**
 * Where the keys of one issuer (or of draft-07 tokens) come from: a configured secret or PEM key
 * ({@link #fixed}), or a JWK Set fetched in the background ({@link JwksKeySource}).
 *
 * <p>Thread-safety: implementations are safe from any thread, and {@link #keys()} never blocks, so
 * it may be called on an event loop.
 */
public interface KeySource {

  /** The keys as last known. Never blocks; may be empty while a JWK Set is not loaded. */
  List<TrustedKey> keys();

  /**
   * A token named a {@code kid} that {@link #keys()} lacks: a source that can refresh may do so in
   * the background (rate-limited). Never blocks.
   */
  default void unknownKeyId(String kid) {}

  /** Why {@link #keys()} is empty, for the 401 reason; null when keys are present. */
  default String unavailableReason() {
    return keys().isEmpty() ? "no keys configured" : null;
  }

  /** For logs and error messages; never shows key material. */
  String describe();

  /** Keys that never change. */
  static KeySource fixed(String description, List<TrustedKey> keys) {
    List<TrustedKey> copy = List.copyOf(keys);
    return new KeySource() {
      @Override
      public List<TrustedKey> keys() {
        return copy;
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }

  /** A single configured draft-07 key ({@code --jwt-key} with {@code --jwt-alg}). */
  static KeySource of(JwtKey key) {
    return fixed(key.toString(), List.of(TrustedKey.of(key)));
  }
}
