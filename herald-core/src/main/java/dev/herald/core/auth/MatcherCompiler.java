package dev.herald.core.auth;

import java.util.List;

/**
 * Turns the {@code {match, match_type}} objects of an access token into {@link TopicMatcher}s.
 * The draft-08 matcher types live with the other topic code; this seam keeps authorization
 * ignorant of how a URL pattern compiles. The reserved {@code *} is handled before the compiler
 * is asked (it matches every topic under any supported type).
 *
 * <p>Thread-safety: implementations are safe from any thread.
 */
public interface MatcherCompiler {

  /** The matcher type names this hub supports, canonical spelling. */
  List<String> types();

  /**
   * @param type a name from {@link #types()}
   * @throws IllegalArgumentException if {@code match} is not a valid expression of that type;
   *     the message shows the value and what was expected
   */
  TopicMatcher compile(String type, String match);

  /** Only {@code exact}: byte-for-byte comparison, no normalisation. */
  static MatcherCompiler exactOnly() {
    return ExactOnly.INSTANCE;
  }

  /** The exact-only compiler. */
  enum ExactOnly implements MatcherCompiler {
    INSTANCE;

    @Override
    public List<String> types() {
      return List.of("exact");
    }

    @Override
    public TopicMatcher compile(String type, String match) {
      if (!type.equals("exact")) {
        throw new IllegalArgumentException("match_type: " + type + " (expected: exact)");
      }
      return new Exact(match);
    }
  }

  /** An {@code exact} matcher; also what other compilers may return for that type. */
  record Exact(String match) implements TopicMatcher {
    @Override
    public String type() {
      return "exact";
    }

    @Override
    public boolean matches(String topic) {
      return match.equals(topic);
    }
  }

  /** The reserved {@code *}, under whatever type the token named. */
  record Wildcard(String type) implements TopicMatcher {
    @Override
    public String match() {
      return "*";
    }

    @Override
    public boolean matches(String topic) {
      return true;
    }
  }
}
