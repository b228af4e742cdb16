package dev.herald.core.dispatch;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.topic.TopicSelector;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One subscription as the protocol's active-subscriptions feature shows it: one per topic selector
 * of a subscriber, identified (and announced) in the {@link SubscriptionFormat} of the protocol the
 * subscriber spoke. Immutable; safe from any thread.
 *
 * @param selector the selector; its raw text is the subscription's topic (draft-07) or match
 * @param subscriber the subscriber's id (shared by all its subscriptions)
 * @param payload the payload the subscriber's token attaches, or null
 * @param active false in the event sent when the subscription ends
 * @param format the shape of the protocol the subscriber spoke
 */
public record ActiveSubscription(
    TopicSelector selector,
    String subscriber,
    Object payload,
    boolean active,
    SubscriptionFormat format) {

  public static final String HUB_PATH = "/.well-known/mercure";
  public static final String COLLECTION_PATH = HUB_PATH + "/subscriptions";

  /** The selector as the subscriber gave it. */
  public String topic() {
    return selector.raw();
  }

  /** The subscription's id, which is also the topic of its subscription events. */
  public String id() {
    return format.id(this);
  }

  /** The document of the protocol; {@code nested} in a collection (no JSON-LD context). */
  public Map<String, Object> document(boolean nested) {
    return format.document(this, nested);
  }

  public String toJson() {
    return JSONObjectUtils.toJSONString(document(false));
  }

  /**
   * RFC 6570 simple-string expansion of the raw value, encoded exactly once: everything but
   * unreserved characters is percent-encoded (a {@code %} included), so {@code :}, {@code /},
   * {@code {} and {@code }} in selectors and ids cannot split the path.
   */
  public static String encode(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
