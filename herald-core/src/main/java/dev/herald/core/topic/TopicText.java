package dev.herald.core.topic;

import java.util.Locale;

/**
 * The characters Mercure draft-08 forbids in topics, topic matchers, update ids and event types: C0
 * and C1 controls, DEL, Unicode format characters (category Cf: bidirectional and zero-width
 * controls, invisible and good for spoofing) and unpaired surrogates (text that was not UTF-8).
 *
 * <p>Stateless; safe from any thread.
 */
public final class TopicText {

  private TopicText() {}

  /** A one-line reason naming the first forbidden character of {@code value}, or null if none. */
  public static String forbiddenCharacter(String value) {
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      String kind = kind(c);
      if (kind != null) {
        return String.format(Locale.ROOT, "contains U+%04X (%s) at index %d", c, kind, i);
      }
      i += Character.charCount(c);
    }
    return null;
  }

  private static String kind(int c) {
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) {
      return "a control character";
    }
    int type = Character.getType(c);
    if (type == Character.FORMAT) {
      return "a format character";
    }
    if (type == Character.SURROGATE) {
      return "an unpaired surrogate, not UTF-8";
    }
    return null;
  }
}
