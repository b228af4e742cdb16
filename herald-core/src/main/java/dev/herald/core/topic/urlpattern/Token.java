package dev.herald.core.topic.urlpattern;

/**
 * One token of a pattern string: its type, the code point index where it starts, and its value.
 *
 * <p>Immutable; safe from any thread.
 */
record Token(Type type, int index, String value) {

  enum Type {
    OPEN,
    CLOSE,
    REGEXP,
    NAME,
    CHAR,
    ESCAPED_CHAR,
    OTHER_MODIFIER,
    ASTERISK,
    END,
    INVALID_CHAR
  }
}
