package dev.herald.core.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Update;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseFrameTest {

  private static String encode(Update update) {
    return new String(SseFrame.encode(update), StandardCharsets.UTF_8);
  }

  @Test
  void encodesIdAndDataLine() {
    assertThat(encode(Update.of("t", "hello").withId("urn:uuid:1")))
        .isEqualTo("id: urn:uuid:1\ndata: hello\n\n");
  }

  @Test
  void encodesTypeAndRetryBeforeData() {
    Update update = new Update(List.of("t"), "x", false, "1", "price", 5000L);
    assertThat(encode(update)).isEqualTo("id: 1\nevent: price\nretry: 5000\ndata: x\n\n");
  }

  @Test
  void splitsDataOnLfCrAndCrlfKeepingEmptyLines() {
    Update update = Update.of("t", "a\nb\rc\r\nd\n\ne").withId("1");
    assertThat(encode(update))
        .isEqualTo("id: 1\ndata: a\ndata: b\ndata: c\ndata: d\ndata: \ndata: e\n\n");
  }

  @Test
  void emptyDataStillDispatchesAnEvent() {
    assertThat(encode(Update.of("t", "").withId("1"))).isEqualTo("id: 1\ndata: \n\n");
  }

  @Test
  void trailingNewlineBecomesAnEmptyDataLine() {
    assertThat(encode(Update.of("t", "a\n").withId("1"))).isEqualTo("id: 1\ndata: a\ndata: \n\n");
  }

  @Test
  void encodesUtf8() {
    assertThat(SseFrame.encode(Update.of("t", "é€").withId("1")))
        .isEqualTo("id: 1\ndata: é€\n\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void messageHasNoId() {
    assertThat(new String(SseFrame.message("connected"), StandardCharsets.UTF_8))
        .isEqualTo("data: connected\n\n");
  }

  @Test
  void parserReadsBackWhatTheEncoderWrote() {
    Update update =
        new Update(List.of("t"), "line1\r\nline2\n\nline4", false, "urn:x", "kind", 10L);
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    String wire = encode(update);
    for (String line : wire.split("\n", -1)) {
      parser.line(line);
    }
    assertThat(events).containsExactly(new SseEvent("urn:x", "kind", "line1\nline2\n\nline4", 10L));
    assertThat(parser.lastEventId()).isEqualTo("urn:x");
  }

  @Test
  void parserIgnoresCommentsAndEventsWithoutData() {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (String line : List.of(":", "", "id: 7", "", "data:no-space", "")) {
      parser.line(line);
    }
    assertThat(events).containsExactly(new SseEvent("7", "message", "no-space", null));
  }

  @Test
  void parserKeepsARetryLineOutsideAnyEventAndReportsOnlyDispatchedIds() {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (String line : List.of("id: 1", "data: a", "", "retry: 2500", "", "id: 2")) {
      parser.line(line);
    }
    assertThat(events).hasSize(1);
    assertThat(parser.reconnectionMillis()).isEqualTo(2500L);
    assertThat(parser.lastEventId()).as("id 2's event never completed").isEqualTo("1");
  }

  @Test
  void parserTakesARetryTooLargeForALongAsTheLongestAndIgnoresOtherDigits() {
    // Found by SseRoundTripPropertiesTest: Long.parseLong threw on the first, took the second.
    // All ASCII digits is a valid delay however long (WHATWG); other Unicode digits are not.
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.line("retry: \u0663");
    assertThat(parser.reconnectionMillis()).isNull();
    for (String line : List.of("retry: 553593062974888640930", "data: a", "")) {
      parser.line(line);
    }
    assertThat(events).containsExactly(new SseEvent("", "message", "a", Long.MAX_VALUE));
    assertThat(parser.reconnectionMillis()).isEqualTo(Long.MAX_VALUE);
  }
}
