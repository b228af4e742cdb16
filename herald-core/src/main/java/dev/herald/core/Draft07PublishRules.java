package dev.herald.core;

import java.util.List;
import java.util.Map;

/**
 * Mercure draft-07 publish rules: what the {@link Update} constructor checks, and a {@code retry}
 * that is a number in ASCII digits (a sign allowed, as Herald always has).
 *
 * <p>Immutable; safe from any thread.
 */
final class Draft07PublishRules implements PublishRules {

  static final Draft07PublishRules INSTANCE = new Draft07PublishRules();

  private Draft07PublishRules() {}

  @Override
  public Update toUpdate(Map<String, List<String>> form) {
    PublishForm fields = PublishForm.of(form);
    return new Update(
        fields.topics(),
        fields.data(),
        fields.isPrivate(),
        fields.id(),
        fields.type(),
        parseRetry(fields.retry()));
  }

  private static Long parseRetry(String retry) {
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
        "retry: " + PublishForm.quotable(retry) + " (expected: a number of milliseconds)");
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

  @Override
  public String toString() {
    return "draft-07 publish rules";
  }
}
