package dev.herald.core.auth;

import dev.herald.core.topic.TopicSelector;
import java.util.List;

/**
 * Turns the {@code {match, match_type}} objects of an access token into topic selectors. The
 * reserved {@code *} is the wildcard under every supported type.
 *
 * <p>Thread-safety: implementations are safe from any thread.
 */
public interface MatcherCompiler {

  /** The matcher type names this hub supports, canonical spelling. */
  List<String> types();

  /**
   * @param type a name from {@link #types()}
   * @throws IllegalArgumentException if {@code match} is not a valid expression of that type; the
   *     message shows the value and what was expected
   */
  TopicSelector compile(String type, String match);

  /** Every draft-08 matcher type, URL patterns resolved against {@code hubUrl}. */
  static MatcherCompiler forHub(String hubUrl) {
    return new MatcherCompiler() {
      @Override
      public List<String> types() {
        return TopicSelector.MATCHER_TYPES;
      }

      @Override
      public TopicSelector compile(String type, String match) {
        return TopicSelector.matcher(type, match, hubUrl);
      }
    };
  }

  /** Only {@code exact}: byte-for-byte comparison, no normalisation. */
  static MatcherCompiler exactOnly() {
    return new MatcherCompiler() {
      @Override
      public List<String> types() {
        return List.of("exact");
      }

      @Override
      public TopicSelector compile(String type, String match) {
        return TopicSelector.exact(match);
      }
    };
  }
}
