package dev.herald.core.topic;

/**
 * A selector matching only the identical string, compared char for char (so byte for byte in
 * UTF-8): draft-07 selectors that are not templates, and the draft-08 {@code exact} matcher type.
 *
 * <p>Immutable; safe from any thread.
 */
record Exact(String raw) implements TopicSelector {

  @Override
  public Kind kind() {
    return Kind.EXACT;
  }

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

  /** Empty: the prefix is the whole key already, and the two may not overlap. */
  @Override
  public String indexKeySuffix() {
    return "";
  }
}
