package dev.herald.spring.security;

import java.time.Duration;
import java.util.List;

/**
 * What a user may do on the hub, in the vocabulary of a token's {@code mercure} claim: topic
 * selectors (exact, {@code *}, URI templates) it may receive private updates of and publish to, the
 * subscription's payload, and how long the grant lasts (a stream ends then, as at a token's
 * expiry).
 *
 * <p>Immutable.
 *
 * @param subscribe the topic selectors whose private updates the user may receive
 * @param publish the topic selectors the user may publish to
 * @param payload the subscription's payload (any JSON-able value), or null
 * @param lifetime how long the grant lasts (null: {@link #DEFAULT_LIFETIME})
 */
public record HeraldGrants(
    List<String> subscribe, List<String> publish, Object payload, Duration lifetime) {

  /** The lifetime of grants that name none. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  public HeraldGrants {
    subscribe = subscribe == null ? List.of() : List.copyOf(subscribe);
    publish = publish == null ? List.of() : List.copyOf(publish);
    lifetime = lifetime == null ? DEFAULT_LIFETIME : lifetime;
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("lifetime: " + lifetime + " (expected: > 0)");
    }
  }

  /** May receive the private updates of {@code selectors}, for {@link #DEFAULT_LIFETIME}. */
  public static HeraldGrants subscribe(String... selectors) {
    return new HeraldGrants(List.of(selectors), List.of(), null, DEFAULT_LIFETIME);
  }

  /** These grants, also allowed to publish to {@code selectors}. */
  public HeraldGrants withPublish(String... selectors) {
    return new HeraldGrants(subscribe, List.of(selectors), payload, lifetime);
  }

  /** These grants with the subscription payload {@code value}. */
  public HeraldGrants withPayload(Object value) {
    return new HeraldGrants(subscribe, publish, value, lifetime);
  }

  /** These grants lasting {@code value}. */
  public HeraldGrants withLifetime(Duration value) {
    return new HeraldGrants(subscribe, publish, payload, value);
  }
}
