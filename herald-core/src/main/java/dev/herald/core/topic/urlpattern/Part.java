package dev.herald.core.topic.urlpattern;

/**
 * One piece of a parsed pattern string: fixed text, or a named or numbered group with its prefix,
 * suffix and modifier.
 *
 * <p>Immutable; safe from any thread.
 */
record Part(Type type, String value, Modifier modifier, String name, String prefix, String suffix) {

  enum Type {
    FIXED_TEXT,
    REGEXP,
    SEGMENT_WILDCARD,
    FULL_WILDCARD
  }

  enum Modifier {
    NONE(""),
    OPTIONAL("?"),
    ZERO_OR_MORE("*"),
    ONE_OR_MORE("+");

    final String text;

    Modifier(String text) {
      this.text = text;
    }
  }

  static Part fixed(String value, Modifier modifier) {
    return new Part(Type.FIXED_TEXT, value, modifier, "", "", "");
  }
}
