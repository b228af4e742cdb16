package dev.herald.redis;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionCursor;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.presence.PresenceEntry;
import dev.herald.core.topic.TopicSelector;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A subscription as the cluster's presence keeps it in Redis: a small JSON object holding what the
 * subscriptions API shows (selector text and kind, subscriber, payload, protocol) and its place in
 * the API's order. Stateless; safe from any thread.
 */
final class PresenceCodec {

  /** Draft-08 URL patterns are rebuilt against this: only their text and kind are shown. */
  private static final String HUB_URL = "https://herald.invalid/.well-known/mercure";

  private PresenceCodec() {}

  static String encode(PresenceEntry entry) {
    ActiveSubscription subscription = entry.subscription();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("c", entry.position().encode());
    json.put("f", subscription.format() == SubscriptionFormat.DRAFT_08 ? "08" : "07");
    json.put("k", subscription.selector().kind().name());
    json.put("t", subscription.topic());
    json.put("s", subscription.subscriber());
    if (subscription.payload() != null) {
      json.put("p", subscription.payload());
    }
    return JSONObjectUtils.toJSONString(json);
  }

  /**
   * The entry {@link #encode} wrote, {@code active} or not.
   *
   * @throws IllegalArgumentException if {@code json} is not one
   */
  static PresenceEntry decode(String json, boolean active) {
    try {
      Map<String, Object> fields = JSONObjectUtils.parse(json);
      String raw = JSONObjectUtils.getString(fields, "t");
      boolean draft08 = "08".equals(fields.get("f"));
      TopicSelector selector;
      if (!draft08) {
        selector = TopicSelector.of(raw);
      } else if (TopicSelector.Kind.URL_PATTERN.name().equals(fields.get("k"))) {
        selector = TopicSelector.urlPattern(raw, HUB_URL);
      } else {
        selector = TopicSelector.exact(raw);
      }
      return new PresenceEntry(
          SubscriptionCursor.decode(JSONObjectUtils.getString(fields, "c")),
          new ActiveSubscription(
              selector,
              JSONObjectUtils.getString(fields, "s"),
              fields.get("p"),
              active,
              draft08 ? SubscriptionFormat.DRAFT_08 : SubscriptionFormat.DRAFT_07));
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("not a presence entry: " + e.getMessage(), e);
    }
  }

  /** The selector text of an encoded entry, without rebuilding its selector. */
  static String topic(String json) {
    try {
      return JSONObjectUtils.getString(JSONObjectUtils.parse(json), "t");
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a presence entry: " + e.getMessage(), e);
    }
  }
}
