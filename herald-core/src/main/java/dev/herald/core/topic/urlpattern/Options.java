package dev.herald.core.topic.urlpattern;

/**
 * How a component's pattern string is read: the code point a segment wildcard stops at, the one
 * that may prefix a group, and whether matching ignores case.
 *
 * <p>Immutable; safe from any thread.
 */
record Options(String delimiter, String prefix, boolean ignoreCase) {

  static final Options DEFAULT = new Options("", "", false);
  static final Options HOSTNAME = new Options(".", "", false);
  static final Options PATHNAME = new Options("/", "/", false);

  Options withIgnoreCase(boolean value) {
    return new Options(delimiter, prefix, value);
  }

  /** "generate a segment wildcard regexp". */
  String segmentWildcardRegexp() {
    return "[^" + Component.escapeRegexp(delimiter) + "]+?";
  }
}
