package dev.herald.core.dispatch;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A position in the order the subscriptions API lists subscriptions in: by subscriber id, then by
 * the subscriber's {@linkplain Subscriber#serial serial} (ids set by an embedding application may
 * repeat), then by the selector's place in the subscriber's list. A page's next cursor is the last
 * position it covered; the next page starts right after it, so a subscription that stays active
 * while a client walks the pages is listed exactly once.
 *
 * <p>Clients see it {@linkplain #encode() encoded} as an opaque URL-safe token. A forged one only
 * moves the start of a page, so it is not signed. Immutable; safe from any thread.
 *
 * @param subscriber the subscriber's id
 * @param serial the subscriber's serial, which orders subscribers sharing an id
 * @param selector the index of the subscription's selector; {@code -1} stands before the first one
 *     (the lanes' key for the whole subscriber)
 */
public record SubscriptionCursor(String subscriber, long serial, int selector)
    implements Comparable<SubscriptionCursor> {

  /** Tells the encoding apart from any later one. */
  private static final String VERSION = "1";

  public SubscriptionCursor {
    Objects.requireNonNull(subscriber, "subscriber");
  }

  /** The key the lanes order their subscribers by: before the subscriber's first subscription. */
  static SubscriptionCursor before(Subscriber subscriber) {
    return new SubscriptionCursor(subscriber.id(), subscriber.serial, -1);
  }

  @Override
  public int compareTo(SubscriptionCursor other) {
    int bySubscriber = subscriber.compareTo(other.subscriber);
    if (bySubscriber != 0) {
      return bySubscriber;
    }
    int bySerial = Long.compare(serial, other.serial);
    return bySerial != 0 ? bySerial : Integer.compare(selector, other.selector);
  }

  /** The opaque token a client passes back: base64url, no padding. */
  public String encode() {
    String text = VERSION + ":" + serial + ":" + selector + ":" + subscriber;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cursor a token of {@link #encode()} stands for.
   *
   * @throws IllegalArgumentException when {@code token} is not one
   */
  public static SubscriptionCursor decode(String token) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      throw notACursor(token);
    }
    // The id goes last: it may hold the separator.
    String[] parts = text.split(":", 4);
    if (parts.length != 4 || !parts[0].equals(VERSION) || parts[3].isEmpty()) {
      throw notACursor(token);
    }
    try {
      long serial = Long.parseLong(parts[1]);
      int selector = Integer.parseInt(parts[2]);
      if (serial < 0 || selector < 0) {
        throw notACursor(token);
      }
      SubscriptionCursor cursor = new SubscriptionCursor(parts[3], serial, selector);
      if (!cursor.encode().equals(token)) {
        throw notACursor(token); // only the hub's own spelling: an edited token is refused
      }
      return cursor;
    } catch (NumberFormatException e) {
      throw notACursor(token);
    }
  }

  private static IllegalArgumentException notACursor(String token) {
    String shown = token.length() > 64 ? token.substring(0, 64) + "..." : token;
    return new IllegalArgumentException(
        "cursor: "
            + shown
            + " is not a cursor of this hub"
            + " (expected: the cursor of a rel=\"next\" link, unchanged)");
  }
}
