package dev.herald.core.topic;

/**
 * A URI template selector, matching its own text and every expansion of the template.
 *
 * <p>Literals are copied verbatim by every expansion, so whatever the template matches starts with
 * the text before its first expression and ends with the text after its last one.
 *
 * <p>Immutable; safe from any thread.
 */
record Template(String raw, UriTemplate template) implements TopicSelector {

  @Override
  public Kind kind() {
    return Kind.TEMPLATE;
  }

  @Override
  public boolean matches(String topic) {
    return raw.equals(topic) || template.matches(topic);
  }

  /** Equal by text: the template is derived from it (and {@link UriTemplate} has no equality). */
  @Override
  public boolean equals(Object other) {
    return other instanceof Template that && raw.equals(that.raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  @Override
  public String literalPrefix() {
    return raw.substring(0, raw.indexOf('{'));
  }

  @Override
  public String literalSuffix() {
    return raw.substring(raw.lastIndexOf('}') + 1);
  }
}
