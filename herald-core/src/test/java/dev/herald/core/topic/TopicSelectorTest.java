package dev.herald.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicSelectorTest {

  private static final String BOOKS = "https://example.com/books/{id}";

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com/books/1", "*", "{id}", "urn:x", " ", "%"})
  void anyMatchesEverything(String topic) {
    TopicSelector any = TopicSelector.of("*");
    assertThat(any.matches(topic)).isTrue();
    assertThat(any.raw()).isEqualTo("*");
    assertThat(any.isAny()).isTrue();
    assertThat(any.isExact()).isFalse();
    assertThat(any.isTemplate()).isFalse();
  }

  @Test
  void exactMatchesOnlyTheIdenticalString() {
    TopicSelector exact = TopicSelector.of("https://example.com/books/1");
    assertThat(exact.isExact()).isTrue();
    assertThat(exact.raw()).isEqualTo("https://example.com/books/1");
    assertThat(exact.matches("https://example.com/books/1")).isTrue();
    assertThat(exact.matches("https://example.com/books/2")).isFalse();
    assertThat(exact.matches("https://example.com/books/1/")).isFalse();
    assertThat(exact.matches("HTTPS://EXAMPLE.COM/books/1")).isFalse();
  }

  @Test
  void anyStringIsAValidExactSelector() {
    TopicSelector selector = TopicSelector.of("my topic with spaces & 100%");
    assertThat(selector.isExact()).isTrue();
    assertThat(selector.matches("my topic with spaces & 100%")).isTrue();
  }

  @Test
  void templateMatchesItsExpansions() {
    TopicSelector template = TopicSelector.of(BOOKS);
    assertThat(template.isTemplate()).isTrue();
    assertThat(template.raw()).isEqualTo(BOOKS);
    assertThat(template.matches("https://example.com/books/1")).isTrue();
    assertThat(template.matches("https://example.com/books/1/2")).isFalse();
    assertThat(template.matches("https://example.com/movies/1")).isFalse();
  }

  @Test
  void templateMatchesItsOwnLiteralText() {
    assertThat(TopicSelector.of(BOOKS).matches(BOOKS)).isTrue();
    assertThat(TopicSelector.of(BOOKS).matches("https://example.com/books/{name}")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.com/books/{id",
        "https://example.com/books/{}",
        "https://example.com/{a{b}}",
        "https://example.com/{bad name}",
        "{",
        "}{"
      })
  void invalidTemplateFallsBackToExact(String raw) {
    TopicSelector selector = TopicSelector.of(raw);
    assertThat(selector.isExact()).isTrue();
    assertThat(selector.matches(raw)).isTrue();
    assertThat(selector.matches("https://example.com/books/1")).isFalse();
  }

  @Test
  void rejectsEmptySelector() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TopicSelector.of(""))
        .withMessage("topic selector: empty (expected: a topic, a URI template or *)");
    assertThatNullPointerException().isThrownBy(() -> TopicSelector.of(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "https://example.com/books/1", BOOKS, "{unclosed"})
  void cacheReturnsTheSameInstanceForTheSameSelector(String raw) {
    assertThat(TopicSelector.of(raw)).isSameAs(TopicSelector.of(new String(raw)));
  }

  @Test
  void anyMatchesChecksCanonicalAndAlternateTopics() {
    List<TopicSelector> claim = List.of(TopicSelector.of("https://example.com/users/foo/{?topic}"));
    String canonical = "https://example.com/books/1";
    String alternate = "https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1";

    assertThat(TopicSelector.anyMatches(claim, List.of(canonical, alternate))).isTrue();
    assertThat(TopicSelector.anyMatches(claim, List.of(canonical))).isFalse();
    assertThat(TopicSelector.anyMatches(List.of(TopicSelector.of(BOOKS)), List.of(canonical)))
        .isTrue();
  }

  @Test
  void anyMatchesNeedsSomeSelectorAndSomeTopic() {
    List<TopicSelector> selectors =
        List.of(
            TopicSelector.of("https://example.com/a"), TopicSelector.of("https://example.com/b"));
    assertThat(TopicSelector.anyMatches(selectors, List.of("https://example.com/b"))).isTrue();
    assertThat(TopicSelector.anyMatches(selectors, List.of("https://example.com/c"))).isFalse();
    assertThat(TopicSelector.anyMatches(selectors, List.of())).isFalse();
    assertThat(TopicSelector.anyMatches(List.of(), List.of("https://example.com/a"))).isFalse();
  }
}
