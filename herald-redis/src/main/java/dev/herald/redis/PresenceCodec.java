package dev.herald.redis;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionCursor;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.presence.PresenceEntry;
import dev.herald.core.topic.TopicSelector;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A subscription as the cluster's presence keeps it in Redis: a small JSON object holding what the
 * subscriptions API shows (selector text and kind, subscriber, payload, the name of its protocol's
 * {@link SubscriptionFormat}) and its place in the API's order. Immutable; safe from any thread.
 */
final class PresenceCodec {

  private final Map<String, SubscriptionFormat> formats = new LinkedHashMap<>();

  /**
   * @param formats the formats entries may be in, each read back by its {@link
   *     SubscriptionFormat#name()}
   */
  PresenceCodec(List<SubscriptionFormat> formats) {
    for (SubscriptionFormat format : formats) {
      if (this.formats.putIfAbsent(format.name(), format) != null) {
        throw new IllegalArgumentException(
            "formats: " + format.name() + " named twice (expected: one format per name)");
      }
    }
  }

  static String encode(PresenceEntry entry) {
    ActiveSubscription subscription = entry.subscription();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("c", entry.position().encode());
    json.put("f", subscription.format().name());
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
  PresenceEntry decode(String json, boolean active) {
    try {
      Map<String, Object> fields = JSONObjectUtils.parse(json);
      String raw = JSONObjectUtils.getString(fields, "t");
      SubscriptionFormat format = formats.get(String.valueOf(fields.get("f")));
      if (format == null) {
        throw new IllegalArgumentException(
            "format " + fields.get("f") + " (expected: one of " + formats.keySet() + ")");
      }
      String kind = String.valueOf(fields.get("k"));
      TopicSelector selector =
          format.selector(
              raw,
              Arrays.stream(TopicSelector.Kind.values())
                  .filter(known -> known.name().equals(kind))
                  .findFirst()
                  .orElse(TopicSelector.Kind.EXACT));
      return new PresenceEntry(
          SubscriptionCursor.decode(JSONObjectUtils.getString(fields, "c")),
          new ActiveSubscription(
              selector, JSONObjectUtils.getString(fields, "s"), fields.get("p"), active, format));
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
