package dev.herald.core.dispatch;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Splitting and decoding subscriptions API paths, shared by every protocol's {@link
 * SubscriptionFormat}. Stateless; safe from any thread.
 */
public final class SubscriptionPaths {

  private SubscriptionPaths() {}

  /**
   * The raw segments after {@link ActiveSubscription#COLLECTION_PATH}: none for the collection
   * (with or without a trailing {@code /}).
   *
   * @throws NoSuchElementException for an empty segment or a path outside the collection
   */
  public static List<String> segments(String rawPath) {
    if (!rawPath.startsWith(ActiveSubscription.COLLECTION_PATH)) {
      throw new NoSuchElementException("no such resource: " + rawPath);
    }
    String rest = rawPath.substring(ActiveSubscription.COLLECTION_PATH.length());
    if (rest.isEmpty() || rest.equals("/")) {
      return List.of();
    }
    if (rest.charAt(0) != '/') {
      throw new NoSuchElementException("no such resource: " + rawPath);
    }
    List<String> segments = List.of(rest.substring(1).split("/", -1));
    if (segments.contains("")) {
      throw new NoSuchElementException("no such resource: " + rawPath + " (an empty segment)");
    }
    return segments;
  }

  /**
   * Percent-decodes one segment as UTF-8, the inverse of {@link ActiveSubscription#encode}; a
   * {@code +} stays a {@code +} (this is a path, not a form).
   *
   * @throws IllegalArgumentException for a bad escape or bytes that are not UTF-8
   */
  public static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteBuffer bytes = ByteBuffer.allocate(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        int high = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
        if (low < 0) {
          throw new IllegalArgumentException(
              "path segment "
                  + segment
                  + ": bad escape at "
                  + i
                  + " (expected: % and two hex digits)");
        }
        bytes.put((byte) (high << 4 | low));
        i += 2;
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        throw new IllegalArgumentException(
            "path segment "
                + segment
                + ": raw non-ASCII character (expected: percent-encoded UTF-8)");
      }
    }
    bytes.flip();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "path segment " + segment + ": not UTF-8 once decoded (expected: percent-encoded UTF-8)");
    }
  }
}
