package dev.herald.core.dispatch;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One subscription as the protocol's active-subscriptions feature shows it: one per topic
 * selector of a subscriber, identified by {@code /.well-known/mercure/subscriptions/{topic}/{subscriber}}.
 * Immutable; safe from any thread.
 *
 * @param topic the selector as the subscriber gave it
 * @param subscriber the subscriber's id (shared by all its subscriptions)
 * @param payload the subscriber token's {@code mercure.payload}, or null
 * @param active false in the event sent when the subscription ends
 */
public record ActiveSubscription(String topic, String subscriber, Object payload, boolean active) {

  public static final String COLLECTION_PATH = "/.well-known/mercure/subscriptions";

  /** The subscription's IRI, which is also the topic of its subscription events. */
  public String id() {
    return COLLECTION_PATH + "/" + encode(topic) + "/" + encode(subscriber);
  }

  /** The JSON-LD document of the protocol, without {@code @context} when nested. */
  public Map<String, Object> document(boolean withContext) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (withContext) {
      json.put("@context", "https://mercure.rocks/");
    }
    json.put("id", id());
    json.put("type", "Subscription");
    json.put("topic", topic);
    json.put("subscriber", subscriber);
    json.put("active", active);
    if (payload != null) {
      json.put("payload", payload);
    }
    return json;
  }

  public String toJson() {
    return JSONObjectUtils.toJSONString(document(true));
  }

  /**
   * RFC 6570 simple-string expansion: everything but unreserved characters is percent-encoded, so
   * {@code :}, {@code /}, {@code {} and {@code }} in selectors and ids cannot split the path.
   */
  public static String encode(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
