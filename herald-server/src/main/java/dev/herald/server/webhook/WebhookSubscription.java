package dev.herald.server.webhook;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** Selectors one subscriber may have, at most. */
  public static final int MAX_TOPICS = 100;

  /** The definition a store keeps (the name is its key). */
  public static String toJson(WebhookSubscription subscription) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("url", subscription.url().toString());
    json.put("topics", subscription.topics());
    json.put("private", subscription.privateTopics());
    return JSONObjectUtils.toJSONString(json);
  }

  /**
   * The subscriber {@code json} defines under {@code name}: {@code url}, {@code topics} and
   * optionally {@code private}.
   *
   * @throws IllegalArgumentException naming what is missing or wrong
   */
  public static WebhookSubscription fromJson(String name, String json) {
    try {
      Map<String, Object> fields = JSONObjectUtils.parse(json);
      String url = JSONObjectUtils.getString(fields, "url");
      String[] topics = JSONObjectUtils.getStringArray(fields, "topics");
      String[] grants =
          fields.get("private") == null
              ? new String[0]
              : JSONObjectUtils.getStringArray(fields, "private");
      if (url == null || topics == null) {
        throw new IllegalArgumentException(
            "webhook subscriber "
                + name
                + ": expected {\"url\": \"https://…\", \"topics\": [\"…\"]}");
      }
      return new WebhookSubscription(name, new URI(url), List.of(topics), List.of(grants));
    } catch (ParseException | URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("webhook subscriber " + name + ": " + e.getMessage());
    }
  }

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
    if (topics.size() > MAX_TOPICS) {
      throw new IllegalArgumentException(
          "webhook-subscriber "
              + name
              + ": "
              + topics.size()
              + " topics (expected: at most "
              + MAX_TOPICS
              + ")");
    }
    if (topics.isEmpty()) {
      throw new IllegalArgumentException(
          "webhook-subscriber " + name + ": no topic (expected: at least one selector)");
    }
  }
}
