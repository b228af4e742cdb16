package dev.herald.core.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.Update;
import dev.herald.core.topic.TopicSelector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatchFieldTest {

  private static List<TopicSelector> selectors(String... raw) {
    return List.of(raw).stream().map(TopicSelector::of).toList();
  }

  private static String line(List<TopicSelector> selectors, String... topics) {
    byte[] line = MatchField.line(selectors, List.of(topics));
    return line == null ? null : new String(line, StandardCharsets.US_ASCII);
  }

  @Test
  void namesTheMatchingSelectorsByPositionInRequestOrder() {
    List<TopicSelector> selectors =
        selectors("https://example.com/news", "https://example.com/books/{id}", "*");
    assertThat(line(selectors, "https://example.com/books/1")).isEqualTo("herald-match: 1 2\n");
  }

  @Test
  void anAlternateTopicCountsLikeTheCanonicalOne() {
    assertThat(line(selectors("a", "b", "c"), "x", "c")).isEqualTo("herald-match: 2\n");
  }

  @Test
  void noMatchNoLine() {
    assertThat(line(selectors("a"), "b")).isNull();
  }

  @Test
  void aSelectorWithALineBreakCannotBreakTheStream() {
    assertThat(line(selectors("a\n\ndata: forged", "a"), "a")).isEqualTo("herald-match: 1\n");
  }

  @Test
  void manySelectorsGrowTheLine() {
    List<String> raw = new ArrayList<>();
    StringBuilder expected = new StringBuilder("herald-match:");
    for (int i = 0; i < 1_000; i++) {
      raw.add("t");
      expected.append(' ').append(i);
    }
    assertThat(line(raw.stream().map(TopicSelector::of).toList(), "t"))
        .isEqualTo(expected.append('\n').toString());
  }

  @Test
  void theLineGoesBeforeTheClosingBlankLineOfTheSharedFrame() {
    byte[] frame = SseFrame.encode(Update.of("t", "a\nb").withId("1"));
    byte[] line = MatchField.line(selectors("t"), List.of("t"));
    String withField =
        new String(frame, 0, MatchField.bodyLength(frame), StandardCharsets.UTF_8)
            + new String(line, StandardCharsets.US_ASCII)
            + "\n";
    assertThat(withField).isEqualTo("id: 1\ndata: a\ndata: b\nherald-match: 0\n\n");
  }

  @Test
  void theParameterIsOneOrZeroOnce() {
    assertThat(MatchField.requested(null)).isFalse();
    assertThat(MatchField.requested(List.of("0"))).isFalse();
    assertThat(MatchField.requested(List.of("1"))).isTrue();
    assertThatThrownBy(() -> MatchField.requested(List.of("yes")))
        .hasMessage("herald-match: 'yes' (expected: 1 or 0)");
    assertThatThrownBy(() -> MatchField.requested(List.of("1", "1")))
        .hasMessage("herald-match: given 2 times (expected: once)");
  }
}
