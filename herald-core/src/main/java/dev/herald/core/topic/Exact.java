package dev.herald.core.topic;

/**
 * A selector matching only the identical string.
 *
 * <p>Immutable; safe from any thread.
 */
record Exact(String raw) implements TopicSelector {

  @Override
  public boolean matches(String topic) {
    return raw.equals(topic);
  }

  @Override
  public String literalPrefix() {
    return raw;
  }

  @Override
  public String literalSuffix() {
    return raw;
  }
}
