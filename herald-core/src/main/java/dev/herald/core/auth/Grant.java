package dev.herald.core.auth;

import dev.herald.core.topic.TopicSelector;
import java.util.List;
import java.util.Map;

/**
 * One Mercure authorization detail of an access token, validated: which of the actions this hub
 * knows it grants, on which topics, and the subscription payload it carries.
 *
 * @param publish whether {@code actions} includes {@code publish}
 * @param subscribe whether {@code actions} includes {@code subscribe}
 * @param topics the non-empty {@code topics} list, compiled
 * @param payload the {@code payload} object, or null
 *     <p>Thread-safety: immutable lists; the payload must not be mutated.
 */
public record Grant(
    boolean publish, boolean subscribe, List<TopicSelector> topics, Map<String, Object> payload) {

  public Grant {
    topics = List.copyOf(topics);
  }

  /** Whether one of {@link #topics()} matches {@code topic}. */
  public boolean covers(String topic) {
    for (TopicSelector matcher : topics) {
      if (matcher.matches(topic)) {
        return true;
      }
    }
    return false;
  }
}
