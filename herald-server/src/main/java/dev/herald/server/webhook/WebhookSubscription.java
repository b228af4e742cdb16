package dev.herald.server.webhook;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A durable webhook subscriber: a backend that gets every update matching {@code topics} POSTed to
 * {@code url}, in order, from where it left off, as long as the history retains it. Immutable; safe
 * from any thread.
 *
 * @param name the subscription's stable name, under which its cursor is kept (letters, digits,
 *     {@code -_.}; 1 to 64)
 * @param url where updates are POSTed ({@code http} or {@code https})
 * @param topics the topic selectors, as a subscriber's {@code topic} parameters
 * @param privateTopics the selectors of private updates it may receive, as a subscriber token's
 *     {@code mercure.subscribe} grant; none: public updates only
 */
public record WebhookSubscription(
    String name, URI url, List<String> topics, List<String> privateTopics) {

  public WebhookSubscription {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    topics = List.copyOf(topics);
    privateTopics = List.copyOf(privateTopics);
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "webhook-subscriber: name "
              + name
              + " (expected: 1 to 64 letters, digits, '-', '_' or '.')");
    }
    String scheme = url.getScheme();
    if (url.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
      throw new IllegalArgumentException(
          "webhook-subscriber " + name + ": " + url + " (expected: an absolute http(s) URL)");
    }
    if (topics.isEmpty()) {
      throw new IllegalArgumentException(
          "webhook-subscriber " + name + ": no topic (expected: at least one selector)");
    }
  }
}
