package dev.herald.core;

import java.util.List;
import java.util.Map;

/**
 * The publish fields as sent, before any version's rules: what every draft reads the same way
 * ({@code topic} repeated, the others at most once, unknown fields ignored).
 *
 * <p>Immutable; safe from any thread.
 */
public record PublishForm(
    List<String> topics, String data, boolean isPrivate, String id, String type, String retry) {

  /**
   * Reads the fields a publish request may carry; others are ignored, as both drafts require.
   *
   * @throws HubException if a single-valued field is given more than once
   */
  public static PublishForm of(Map<String, List<String>> form) {
    return new PublishForm(
        form.getOrDefault("topic", List.of()),
        single(form, "data"),
        // Presence marks an update private, whatever the value.
        form.containsKey("private"),
        single(form, "id"),
        single(form, "type"),
        single(form, "retry"));
  }

  /**
   * A field's value as error messages quote it: CR, LF and NUL escaped, so the message stays the
   * one line {@link HubException} promises.
   */
  public static String quotable(String value) {
    return value.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
  }

  /**
   * The update of these fields, with {@code retry} as the version's rules read it; {@link Update}
   * checks what every version requires.
   *
   * @throws HubException (BAD_REQUEST) if a field breaks {@link Update}'s own rules
   */
  public Update toUpdate(Long parsedRetry) {
    return new Update(topics, data, isPrivate, id, type, parsedRetry);
  }

  /**
   * The update of these fields under {@link Update}'s rules alone: a {@code retry} that is a number
   * in ASCII digits (a sign allowed, as Herald always has; {@link Update} refuses a negative one).
   *
   * @throws HubException (BAD_REQUEST) if a field breaks them
   */
  public Update toUpdate() {
    return toUpdate(signedRetry(retry));
  }

  private static Long signedRetry(String retry) {
    if (retry == null) {
      return null;
    }
    if (isAsciiInteger(retry)) {
      try {
        return Long.parseLong(retry);
      } catch (NumberFormatException tooLarge) {
        // refused below, like any other non-number
      }
    }
    throw HubException.badRequest(
        "retry: " + quotable(retry) + " (expected: a number of milliseconds)");
  }

  /** An optional sign and ASCII digits: Long.parseLong alone also reads other digits (U+0663). */
  private static boolean isAsciiInteger(String text) {
    int start = text.startsWith("+") || text.startsWith("-") ? 1 : 0;
    if (text.length() == start) {
      return false;
    }
    for (int i = start; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String single(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw HubException.badRequest(name + ": given " + values.size() + " times (expected: once)");
    }
    return values.get(0);
  }
}
