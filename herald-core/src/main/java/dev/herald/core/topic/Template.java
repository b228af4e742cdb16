package dev.herald.core.topic;

/**
 * A URI template selector, matching its own text and every expansion of the template.
 *
 * <p>Immutable; safe from any thread.
 */
record Template(String raw, UriTemplate template) implements TopicSelector {

  @Override
  public boolean matches(String topic) {
    return raw.equals(topic) || template.matches(topic);
  }

  @Override
  public Kind kind() {
    return Kind.TEMPLATE;
  }

  /** The text before the first expression, which every expansion and the raw text start with. */
  @Override
  public String literalPrefix() {
    return raw.substring(0, raw.indexOf('{'));
  }
}
