package dev.herald.core.auth;

/**
 * One entry of a grant's {@code topics}: a matcher type, its expression, and the compiled test.
 *
 * <p>Thread-safety: implementations are immutable.
 */
public interface TopicMatcher {

  /** The canonical matcher type name, e.g. {@code exact} or {@code urlpattern}. */
  String type();

  /** The expression as written in the token. */
  String match();

  /** Whether {@code topic} is selected. */
  boolean matches(String topic);
}
