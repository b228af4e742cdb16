package dev.herald.core.auth;

import dev.herald.core.HubException;
import dev.herald.core.topic.TopicSelector;
import java.time.Instant;
import java.util.List;

/**
 * What a verified token grants, taken from its {@code mercure} and {@code exp} claims; also what an
 * application's {@code AccessDecider} answers with.
 *
 * <p>Thread-safety: immutable lists; safe to share once built (the payload is not copied and must
 * not be mutated).
 *
 * @param publish the raw topic selectors of {@code mercure.publish} (empty when absent: the spec
 *     treats absent and empty alike)
 * @param subscribe the raw topic selectors of {@code mercure.subscribe} (empty when absent)
 * @param payload the {@code mercure.payload} JSON value as parsed (Map, List, String, Number,
 *     Boolean), or null
 * @param expiresAt the token's {@code exp}, or null when it has none
 */
public record Claims(
    List<String> publish, List<String> subscribe, Object payload, Instant expiresAt)
    implements Grants {

  private static final Claims ANONYMOUS = new Claims(List.of(), List.of(), null, null);

  public Claims {
    publish = publish == null ? List.of() : List.copyOf(publish);
    subscribe = subscribe == null ? List.of() : List.copyOf(subscribe);
  }

  @Override
  public List<TopicSelector> privateSelectors() {
    return subscribe.stream().map(TopicSelector::of).toList();
  }

  /** Draft-07 has one payload per token, whatever the subscription. */
  @Override
  public Object payloadFor(List<TopicSelector> selectors) {
    return payload;
  }

  @Override
  public boolean publishesAnything() {
    return !publish.isEmpty();
  }

  /** Every topic must match a selector of {@code mercure.publish}, as draft-07 requires. */
  @Override
  public void authorizePublish(List<String> topics) {
    if (publish.isEmpty()) {
      throw new HubException(
          HubException.Kind.FORBIDDEN,
          "token has no mercure.publish claim (expected: a list of topic selectors)");
    }
    List<TopicSelector> allowed = publish.stream().map(TopicSelector::of).toList();
    for (String topic : topics) {
      if (!TopicSelector.anyMatches(allowed, List.of(topic))) {
        throw new HubException(
            HubException.Kind.FORBIDDEN,
            "topic: " + topic + " is not matched by the token's mercure.publish " + publish);
      }
    }
  }

  /** Claims of a client that presented no token: may neither publish nor read private updates. */
  public static Claims anonymous() {
    return ANONYMOUS;
  }
}
