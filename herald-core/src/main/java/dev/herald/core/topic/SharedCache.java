package dev.herald.core.topic;

/** Holds the process-wide selector cache, which an interface cannot keep privately. */
final class SharedCache {

  /** Subscribers repeat the same few selectors, and parsing a template compiles a regex. */
  static final int CAPACITY = 10_000;

  static final BoundedCache<String, TopicSelector> SELECTORS = new BoundedCache<>(CAPACITY);

  private SharedCache() {}
}
