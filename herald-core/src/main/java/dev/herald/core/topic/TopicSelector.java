package dev.herald.core.topic;

import java.util.List;
import java.util.Objects;

/**
 * An expression matching topics. Three constructors, one per way a protocol writes selectors:
 *
 * <ul>
 *   <li>{@link #of}: Mercure draft-07 "Topic Selectors". {@code *} matches every topic, any
 *       selector matches the identical string (so a URI template also matches its own text, which
 *       lets templates be compared in authorization claims), and a valid RFC 6570 URI template
 *       matches every string it can expand to. A selector with no <code>{</code>, or with braces
 *       that do not form a valid template, is an exact selector: subscribers may use any string, so
 *       a malformed template is not an error.
 *   <li>{@link #exact}: the draft-08 {@code exact} matcher type, a byte-for-byte comparison with no
 *       template reading, no normalization and no resolution against the hub URL.
 *   <li>{@link #urlPattern}: the draft-08 {@code urlpattern} matcher type, a WHATWG URL pattern
 *       resolved against the hub URL; one that does not compile is an error.
 * </ul>
 *
 * <p>{@code *} is the wildcard under every matcher type. {@link #matcher} picks the draft-08
 * constructor by matcher type name, as {@code match_<type>} parameters and {@code match_type} token
 * members name it.
 *
 * <p>For an index: {@link #kind()} says how to look a selector up; every topic a selector matches
 * starts with its {@link #literalPrefix()} (when known) and ends with its {@link #literalSuffix()},
 * and has an {@link #indexKey} starting with its {@link #indexKeyPrefix()} and ending, after it,
 * with its {@link #indexKeySuffix()}.
 *
 * <p>Immutable; safe from any thread.
 */
public sealed interface TopicSelector permits Any, Exact, Template, UrlPatternSelector {

  /** The draft-08 matcher type names this hub supports, for protocol metadata. */
  List<String> MATCHER_TYPES = List.of("exact", "urlpattern");

  /** How a selector matches, and so how an index can find it. */
  enum Kind {
    /** {@code *}: every topic. */
    ANY,
    /** The identical string only: look it up by {@link #raw()}. */
    EXACT,
    /** A draft-07 URI template: evaluated, on topics starting with its literal prefix. */
    TEMPLATE,
    /** A draft-08 URL pattern: evaluated, on topics whose index key starts with its prefix. */
    URL_PATTERN
  }

  /** The selector as written. */
  String raw();

  /** Whether {@code topic} is matched by this selector. */
  boolean matches(String topic);

  /** How this selector matches, and so how an index can find it. */
  Kind kind();

  /** Whether this is {@code *}, which matches every topic. */
  default boolean isAny() {
    return this instanceof Any;
  }

  /** Whether this matches only the identical string, so it can be looked up by {@link #raw()}. */
  default boolean isExact() {
    return this instanceof Exact;
  }

  /**
   * Whether this can only be matched by evaluating it: a URI template, or a URL pattern. Two
   * evaluated selectors may share their raw text yet differ (a template and a URL pattern, or URL
   * patterns against two hub URLs): group them by the selector, whose equality includes its kind.
   */
  default boolean isTemplate() {
    return this instanceof Template || this instanceof UrlPatternSelector;
  }

  /**
   * Text that every topic this selector matches starts with, so an index can skip the selector for
   * topics that do not; null when the selector cannot tell, and must be evaluated against every
   * topic. For a URI template: the text before its first expression.
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

  /**
   * What {@link #indexKeyPrefix()} is a prefix of when this selector matches {@code topic}: the
   * topic itself, except for URL patterns, which match the topic resolved against the hub URL and
   * so see it as {@code scheme://host[:port]/path} (lower-case host, no credentials, query or
   * fragment, dot segments removed). A URL pattern's {@link #literalPrefix()} is null, since a
   * matching topic may be written relative or in upper case; an index files it under this key.
   */
  default String indexKey(String topic) {
    return topic;
  }

  /** Text {@link #indexKey} of every topic this selector matches starts with; may be empty. */
  default String indexKeyPrefix() {
    String prefix = literalPrefix();
    return prefix == null ? "" : prefix;
  }

  /**
   * Text {@link #indexKey} of every topic this selector matches ends with, after {@link
   * #indexKeyPrefix()}: the two never overlap in a matching key, so a key shorter than both
   * together cannot match. May be empty.
   */
  default String indexKeySuffix() {
    return literalSuffix();
  }

  /**
   * What {@link #indexKey} depends on besides the topic: selectors with equal bases give every
   * topic the same key, so an index computes it once per base. Null when the key is the topic
   * itself; for a URL pattern, the hub URL topics are resolved against.
   */
  default String indexKeyBase() {
    return null;
  }

  /**
   * The draft-08 {@code exact} matcher {@code raw}: {@code *}, or the byte-identical topic.
   *
   * @throws IllegalArgumentException if {@code raw} is empty or holds a forbidden character
   */
  static TopicSelector exact(String raw) {
    checkMatcher("exact", raw);
    return raw.equals(Any.RAW) ? Any.INSTANCE : new Exact(raw);
  }

  /**
   * The draft-08 {@code urlpattern} matcher {@code raw}, relative patterns and topics resolved
   * against {@code hubUrl}; shared with earlier calls for the same pattern and hub URL while it
   * stays in a bounded cache.
   *
   * @throws dev.herald.core.topic.urlpattern.UrlPatternException if the pattern does not compile
   * @throws IllegalArgumentException if {@code raw} is empty or holds a forbidden character
   */
  static TopicSelector urlPattern(String raw, String hubUrl) {
    Objects.requireNonNull(hubUrl, "hubUrl");
    checkMatcher("urlpattern", raw);
    if (raw.equals(Any.RAW)) {
      return Any.INSTANCE;
    }
    return SharedCache.URL_PATTERNS.get(
        new SharedCache.PatternKey(raw, hubUrl), key -> new UrlPatternSelector(raw, hubUrl));
  }

  /**
   * The draft-08 matcher of type {@code matcherType} ({@code exact} or {@code urlpattern}).
   *
   * @throws IllegalArgumentException if the type is not supported or the value is invalid for it
   */
  static TopicSelector matcher(String matcherType, String raw, String hubUrl) {
    return switch (matcherType) {
      case "exact" -> exact(raw);
      case "urlpattern" -> urlPattern(raw, hubUrl);
      default ->
          throw new IllegalArgumentException(
              "matcher type: " + matcherType + " (expected: one of " + MATCHER_TYPES + ")");
    };
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

  private static void checkMatcher(String matcherType, String raw) {
    Objects.requireNonNull(raw, "raw");
    if (raw.isEmpty()) {
      throw new IllegalArgumentException(
          matcherType
              + " matcher: empty (expected: a topic, "
              + (matcherType.equals("exact") ? "" : "a URL pattern, ")
              + "or *)");
    }
    String forbidden = TopicText.forbiddenCharacter(raw);
    if (forbidden != null) {
      throw new IllegalArgumentException(
          matcherType + " matcher: " + forbidden + " (expected: no control or format characters)");
    }
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
