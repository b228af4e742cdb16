package dev.herald.core.topic;

import java.util.List;
import java.util.Objects;

/**
 * An expression matching topics, following the "Topic Selectors" section of the Mercure protocol:
 * {@code *} matches every topic, any selector matches the identical string (so a URI template also
 * matches its own text, which lets templates be compared in authorization claims), and a valid RFC
 * 6570 URI template matches every string it can expand to. Nothing else matches.
 *
 * <p>A selector with no {@code {}, or with braces that do not form a valid template, is an exact
 * selector: subscribers may use any string, so a malformed template is not an error.
 *
 * <p>Immutable; safe from any thread.
 */
public sealed interface TopicSelector permits Any, Exact, Template {

  /** The selector as written. */
  String raw();

  /** Whether {@code topic} is matched by this selector. */
  boolean matches(String topic);

  /** Whether this is {@code *}, which matches every topic. */
  default boolean isAny() {
    return this instanceof Any;
  }

  /** Whether this matches only the identical string, so it can be looked up by {@link #raw()}. */
  default boolean isExact() {
    return this instanceof Exact;
  }

  /** Whether this is a URI template, which can only be matched by evaluating it. */
  default boolean isTemplate() {
    return this instanceof Template;
  }

  /**
   * Text that every topic this selector matches starts with, so an index can skip the selector
   * for topics that do not; null when the selector cannot tell, and must be evaluated against
   * every topic. For a URI template: the text before its first expression.
   */
  default String literalPrefix() {
    return null;
  }

  /**
   * Text that every topic this selector matches ends with ({@code ""} when none is known). For a
   * URI template: the text after its last expression.
   */
  default String literalSuffix() {
    return "";
  }

  /**
   * The selector for {@code raw}, shared with earlier calls for the same string while it stays in a
   * bounded cache.
   *
   * @throws IllegalArgumentException if {@code raw} is empty
   */
  static TopicSelector of(String raw) {
    Objects.requireNonNull(raw, "raw");
    if (raw.isEmpty()) {
      throw new IllegalArgumentException(
          "topic selector: empty (expected: a topic, a URI template or *)");
    }
    if (raw.equals(Any.RAW)) {
      return Any.INSTANCE;
    }
    return SharedCache.SELECTORS.get(raw, TopicSelector::parse);
  }

  /** Whether some selector matches some topic, e.g. an update's canonical or alternate topics. */
  static boolean anyMatches(List<TopicSelector> selectors, List<String> topics) {
    for (TopicSelector selector : selectors) {
      for (String topic : topics) {
        if (selector.matches(topic)) {
          return true;
        }
      }
    }
    return false;
  }

  private static TopicSelector parse(String raw) {
    if (raw.indexOf('{') < 0) {
      return new Exact(raw);
    }
    try {
      return new Template(raw, UriTemplate.parse(raw));
    } catch (IllegalArgumentException notATemplate) {
      return new Exact(raw);
    }
  }
}
