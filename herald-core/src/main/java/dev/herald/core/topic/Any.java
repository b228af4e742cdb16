package dev.herald.core.topic;

/**
 * The reserved selector {@code *}, which matches every topic.
 *
 * <p>Immutable; safe from any thread.
 */
enum Any implements TopicSelector {
  INSTANCE;

  static final String RAW = "*";

  @Override
  public String raw() {
    return RAW;
  }

  @Override
  public Kind kind() {
    return Kind.ANY;
  }

  @Override
  public boolean matches(String topic) {
    return true;
  }

  @Override
  public String literalPrefix() {
    return "";
  }

  @Override
  public String toString() {
    return RAW;
  }
}
