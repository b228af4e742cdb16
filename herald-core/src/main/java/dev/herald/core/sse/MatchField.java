package dev.herald.core.sse;

import dev.herald.core.topic.TopicSelector;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Herald's opt-in SSE extension for clients that share one stream among several consumers
 * (herald.js shares one per browser among its tabs): a subscriber that asks with the query
 * parameter {@code herald-match=1} gets, in each event, a {@code herald-match} field naming which
 * of its own selectors matched the event, by their 0-based positions in its {@code topic}
 * parameters: {@code herald-match: 0 2}.
 *
 * <p>Positions, not the selectors' text: they are short, cannot carry a line break into the stream
 * whatever the selector holds, and reveal nothing the subscriber did not send. Naming the selectors
 * rather than the event's topics spares the client from re-implementing the hub's URI-template
 * matching, and never shows it an alternate topic it could not select. Standard clients ignore the
 * unknown field, as the SSE standard requires.
 *
 * <p>The event's frame is still encoded once and shared; the field is a few bytes per event and
 * subscriber, inserted before the frame's closing blank line. Stateless; safe from any thread.
 */
public final class MatchField {

  /** The query parameter that turns the field on ({@code 1}) or off ({@code 0}, the default). */
  public static final String QUERY_PARAMETER = "herald-match";

  /** The field's name in the stream. */
  public static final String NAME = "herald-match";

  private static final byte[] PREFIX = (NAME + ":").getBytes(StandardCharsets.US_ASCII);

  private MatchField() {}

  /**
   * Whether a subscribe request asks for the field.
   *
   * @throws IllegalArgumentException for a value other than {@code 1} or {@code 0}
   */
  public static boolean requested(List<String> values) {
    if (values == null || values.isEmpty()) {
      return false;
    }
    if (values.size() > 1) {
      throw new IllegalArgumentException(
          QUERY_PARAMETER + ": given " + values.size() + " times (expected: once)");
    }
    return switch (values.get(0)) {
      case "1" -> true;
      case "0" -> false;
      default ->
          throw new IllegalArgumentException(
              QUERY_PARAMETER + ": '" + values.get(0) + "' (expected: 1 or 0)");
    };
  }

  /**
   * The field's line, {@code herald-match: 0 2\n}, for the selectors that match one of the topics,
   * or null when none does.
   */
  public static byte[] line(List<TopicSelector> selectors, List<String> topics) {
    byte[] out = null;
    int length = 0;
    for (int i = 0; i < selectors.size(); i++) {
      TopicSelector selector = selectors.get(i);
      boolean matched = false;
      for (int t = 0; t < topics.size() && !matched; t++) {
        matched = selector.matches(topics.get(t));
      }
      if (!matched) {
        continue;
      }
      byte[] digits = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
      if (out == null) {
        out = new byte[PREFIX.length + 12 * 4];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        length = PREFIX.length;
      }
      if (length + 1 + digits.length + 1 > out.length) {
        out = Arrays.copyOf(out, out.length * 2 + digits.length);
      }
      out[length++] = ' ';
      System.arraycopy(digits, 0, out, length, digits.length);
      length += digits.length;
    }
    if (out == null) {
      return null;
    }
    out[length++] = '\n';
    return Arrays.copyOf(out, length);
  }

  /**
   * How many bytes of an encoded event come before its closing blank line: the field goes there.
   * Every frame {@link SseFrame} encodes ends with that line feed.
   */
  public static int bodyLength(byte[] frame) {
    return frame.length - 1;
  }
}
