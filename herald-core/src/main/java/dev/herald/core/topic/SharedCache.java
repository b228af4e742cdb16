package dev.herald.core.topic;

/** Holds the process-wide selector cache, which an interface cannot keep privately. */
final class SharedCache {

  /** Subscribers repeat the same few selectors, and parsing a template compiles a regex. */
  static final int CAPACITY = 10_000;

  static final BoundedCache<String, TopicSelector> SELECTORS = new BoundedCache<>(CAPACITY);

  /** A URL pattern compiles eight regular expressions; the same text means another per base. */
  record PatternKey(String raw, String baseUrl) {}

  static final BoundedCache<PatternKey, TopicSelector> URL_PATTERNS = new BoundedCache<>(CAPACITY);

  private SharedCache() {}
}
