package dev.herald.core;

import java.util.List;
import java.util.Map;

/**
 * Mercure draft-07 publish rules: what the {@link Update} constructor checks, and a {@code retry}
 * that parses as a number.
 *
 * <p>Immutable; safe from any thread.
 */
final class Draft07PublishRules implements PublishRules {

  static final Draft07PublishRules INSTANCE = new Draft07PublishRules();

  private Draft07PublishRules() {}

  @Override
  public Update toUpdate(Map<String, List<String>> form) {
    PublishForm fields = PublishForm.of(form);
    return new Update(fields.topics(), fields.data(), fields.isPrivate(), fields.id(),
        fields.type(), parseRetry(fields.retry()));
  }

  private static Long parseRetry(String retry) {
    if (retry == null) {
      return null;
    }
    try {
      return Long.parseLong(retry);
    } catch (NumberFormatException e) {
      throw HubException.badRequest("retry: " + retry + " (expected: a number of milliseconds)");
    }
  }

  @Override
  public String toString() {
    return "draft-07 publish rules";
  }
}
