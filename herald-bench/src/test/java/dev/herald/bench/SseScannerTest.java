package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseScannerTest {

  /** The events found, fed in two pieces split at every position. */
  private static List<Long> scan(String stream) {
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    List<Long> first = null;
    for (int split = 0; split <= bytes.length; split++) {
      List<Long> events = new ArrayList<>();
      SseScanner scanner = new SseScanner(events::add);
      scanner.feed(bytes, 0, split);
      scanner.feed(bytes, split, bytes.length - split);
      if (first == null) {
        first = events;
      } else {
        assertThat(events).as("split at %d", split).isEqualTo(first);
      }
    }
    return first;
  }

  @Test
  void findsTheTimestampOfEachEvent() {
    assertThat(scan(":\n\nid: urn:uuid:1\ndata: lgts123\n\nid: 2\ndata: lgts456\n\n"))
        .containsExactly(123L, 456L);
  }

  @Test
  void eventsWithoutTimestampOrWithEmptyDataCount() {
    assertThat(scan("data: hello\n\ndata\n\ndata:\n\n")).containsExactly(-1L, -1L, -1L);
  }

  @Test
  void commentsAndFieldsWithoutDataAreNotEvents() {
    assertThat(scan(": lgts999\n\nid: 1\nevent: x\n\nretry: 10\n\n")).isEmpty();
  }

  @Test
  void crLfAndCrLfEndLines() {
    assertThat(scan("data: lgts1\r\n\r\ndata: lgts2\r\rdata: lgts3\n\n"))
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void timestampMayFollowOtherTextAndOnlyTheFirstCounts() {
    assertThat(scan("data: {\"at\":\"lglgts42x\"}\ndata: lgts7\n\n")).containsExactly(42L);
  }

  @Test
  void timestampOnlyInDataLines() {
    assertThat(scan("id: lgts5\ndatax: lgts6\ndata: none\n\n")).containsExactly(-1L);
  }

  @Test
  void markerWithoutDigitsIsNoTimestamp() {
    assertThat(scan("data: lgts\n\ndata: lgtsx lgts8\n\n")).containsExactly(-1L, 8L);
  }
}
