package dev.herald.core.auth;

import java.time.Instant;
import java.util.List;

/**
 * What a verified token grants, taken from its {@code mercure} and {@code exp} claims.
 *
 * <p>{@code publish} and {@code subscribe} hold the raw topic selectors of {@code mercure.publish}
 * and {@code mercure.subscribe} (empty when absent: the spec treats absent and empty alike).
 * {@code payload} is the {@code mercure.payload} JSON value as parsed (Map, List, String, Number,
 * Boolean) or null. {@code expiresAt} is null when the token has no {@code exp}.
 *
 * <p>Thread-safety: immutable lists; safe to share once built (the payload is not copied and must
 * not be mutated).
 */
public record Claims(
    List<String> publish, List<String> subscribe, Object payload, Instant expiresAt) {

  private static final Claims ANONYMOUS = new Claims(List.of(), List.of(), null, null);

  public Claims {
    publish = publish == null ? List.of() : List.copyOf(publish);
    subscribe = subscribe == null ? List.of() : List.copyOf(subscribe);
  }

  /** Claims of a client that presented no token: may neither publish nor read private updates. */
  public static Claims anonymous() {
    return ANONYMOUS;
  }
}
