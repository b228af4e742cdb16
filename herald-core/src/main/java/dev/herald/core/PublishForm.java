package dev.herald.core;

import java.util.List;
import java.util.Map;

/**
 * The publish fields as sent, before any version's rules: what both drafts read the same way.
 *
 * <p>Immutable; safe from any thread.
 */
record PublishForm(
    List<String> topics, String data, boolean isPrivate, String id, String type, String retry) {

  /**
   * Reads the fields a publish request may carry; others are ignored, as both drafts require.
   *
   * @throws HubException if a single-valued field is given more than once
   */
  static PublishForm of(Map<String, List<String>> form) {
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
  static String quotable(String value) {
    return value.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
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
