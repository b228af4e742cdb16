package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.EventStreamParser.MalformedStreamException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The WHATWG "interpret an event stream" rules (HTML, section 9.2.6), one case per test, fed as
 * bytes the way a socket delivers them.
 */
class EventStreamParserTest {

  private final List<ServerSentEvent> events = new ArrayList<>();
  private final List<Long> retries = new ArrayList<>();
  private final List<String> lastIds = new ArrayList<>();
  private final EventStreamParser parser =
      new EventStreamParser(
          new EventStreamParser.Sink() {
            @Override
            public void event(ServerSentEvent event) {
              events.add(event);
            }

            @Override
            public void retry(long millis) {
              retries.add(millis);
            }

            @Override
            public void lastEventId(String id) {
              lastIds.add(id);
            }
          },
          1024,
          null);

  private void feed(String text) throws MalformedStreamException {
    feed(text.getBytes(StandardCharsets.UTF_8));
  }

  private void feed(byte[] bytes) throws MalformedStreamException {
    parser.feed(bytes, 0, bytes.length);
  }

  private static ServerSentEvent message(String id, String data) {
    return new ServerSentEvent(id, "message", data);
  }

  @Test
  void leadingBomIsSkipped() throws Exception {
    feed("\uFEFFdata: a\n\n");
    assertThat(events).containsExactly(message("", "a"));
  }

  @Test
  void bomSplitAcrossReadsIsSkipped() throws Exception {
    byte[] bom = "\uFEFF".getBytes(StandardCharsets.UTF_8);
    parser.feed(bom, 0, 1);
    parser.feed(bom, 1, 2);
    feed("data: a\n\n");
    assertThat(events).containsExactly(message("", "a"));
  }

  @Test
  void onlyOneBomIsSkipped() throws Exception {
    // The second BOM belongs to the field name, which is then unknown: no event.
    feed("\uFEFF\uFEFFdata: a\n\ndata: b\n\n");
    assertThat(events).containsExactly(message("", "b"));
  }

  @Test
  void bomLaterInTheStreamIsContent() throws Exception {
    feed("data: a\n\n\uFEFFdata: b\n\n");
    assertThat(events).containsExactly(message("", "a"));
  }

  @Test
  void linesEndAtLf() throws Exception {
    feed("data: a\ndata: b\n\n");
    assertThat(events).containsExactly(message("", "a\nb"));
  }

  @Test
  void linesEndAtCr() throws Exception {
    feed("data: a\rdata: b\r\r");
    assertThat(events).containsExactly(message("", "a\nb"));
  }

  @Test
  void linesEndAtCrLf() throws Exception {
    feed("data: a\r\ndata: b\r\n\r\n");
    assertThat(events).containsExactly(message("", "a\nb"));
  }

  @Test
  void crLfSplitAcrossReadsIsOneLineEnd() throws Exception {
    feed("data: a\r");
    feed("\ndata: b\r");
    feed("\n\r");
    feed("\n");
    assertThat(events).containsExactly(message("", "a\nb"));
  }

  @Test
  void mixedLineEndsInOneStream() throws Exception {
    feed("data: a\r\ndata: b\rdata: c\n\r\n");
    assertThat(events).containsExactly(message("", "a\nb\nc"));
  }

  @Test
  void onlyOneSpaceAfterTheColonIsRemoved() throws Exception {
    feed("data:  two spaces\n\ndata:none\n\n");
    assertThat(events).containsExactly(message("", " two spaces"), message("", "none"));
  }

  @Test
  void fieldWithoutColonHasAnEmptyValue() throws Exception {
    feed("data\n\n");
    assertThat(events).containsExactly(message("", ""));
  }

  @Test
  void emptyDataLinesAreKept() throws Exception {
    feed("data: a\ndata\ndata:\ndata: b\n\n");
    assertThat(events).containsExactly(message("", "a\n\n\nb"));
  }

  @Test
  void blockWithoutDataDispatchesNothingAndResetsTheType() throws Exception {
    feed("event: ignored\n\ndata: x\n\n");
    assertThat(events).containsExactly(message("", "x"));
  }

  @Test
  void eventTypeIsTakenAndResetAfterEachEvent() throws Exception {
    feed("event: created\ndata: a\n\ndata: b\n\n");
    assertThat(events).containsExactly(new ServerSentEvent("", "created", "a"), message("", "b"));
  }

  @Test
  void emptyEventTypeMeansMessage() throws Exception {
    feed("event:\ndata: a\n\n");
    assertThat(events).containsExactly(message("", "a"));
  }

  @Test
  void idPersistsAcrossEventsUntilChanged() throws Exception {
    feed("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");
    assertThat(events).containsExactly(message("1", "a"), message("1", "b"), message("", "c"));
  }

  @Test
  void idContainingNulIsIgnored() throws Exception {
    feed("id: good\ndata: a\n\nid: b\0ad\ndata: b\n\n");
    assertThat(events).containsExactly(message("good", "a"), message("good", "b"));
  }

  @Test
  void blockWithOnlyAnIdSetsTheLastEventId() throws Exception {
    feed("id: 7\n\n");
    assertThat(events).isEmpty();
    assertThat(parser.lastEventId()).isEqualTo("7");
    assertThat(lastIds).containsExactly("7");
  }

  @Test
  void idOfAnUnfinishedEventIsNotYetTheLastEventId() throws Exception {
    feed("id: a\ndata: 1\n\nid: b\n");
    assertThat(lastIds).containsExactly("a");
  }

  @Test
  void retryOfDigitsIsTaken() throws Exception {
    feed("retry: 1500\n");
    assertThat(retries).containsExactly(1500L);
  }

  @Test
  void retryWithAnythingButDigitsIsIgnored() throws Exception {
    feed("retry: 15s\nretry: -1\nretry: 1.5\nretry:  15\nretry:\nretry: ١٢\n");
    assertThat(retries).isEmpty();
  }

  @Test
  void retryOfNineteenDigitsThatFitsALongIsTakenAsWritten() throws Exception {
    // Found when core's round-trip properties began to read through this parser.
    feed("retry: 6549481753646882913\nretry: 0000000000000000000001500\n");
    assertThat(retries).containsExactly(6_549_481_753_646_882_913L, 1500L);
  }

  @Test
  void retryTooLargeForALongIsStillADelay() throws Exception {
    feed("retry: 99999999999999999999999\n");
    assertThat(retries).containsExactly(Long.MAX_VALUE);
  }

  @Test
  void commentsAreIgnored() throws Exception {
    feed(": heartbeat\n:\ndata: a\n: inside an event\n\n");
    assertThat(events).containsExactly(message("", "a"));
  }

  @Test
  void unknownFieldsAreIgnored() throws Exception {
    feed("foo: bar\nData: no\ndata: a\n\n");
    assertThat(events).containsExactly(message("", "a"));
  }

  @Test
  void unterminatedEventAtTheEndIsNotDispatched() throws Exception {
    feed("data: a\n\ndata: b\n");
    assertThat(events).containsExactly(message("", "a"));
  }

  @Test
  void multiByteCharacterSplitAcrossReadsIsDecoded() throws Exception {
    byte[] bytes = "data: é€\n\n".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      parser.feed(bytes, i, 1);
    }
    assertThat(events).containsExactly(message("", "é€"));
  }

  @Test
  void invalidUtf8IsAnErrorNamingTheLine() throws Exception {
    feed("data: fine\n\n");
    byte[] bad = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xC3, '(', '\n'};
    assertThatThrownBy(() -> feed(bad))
        .isInstanceOf(MalformedStreamException.class)
        .hasMessage("invalid UTF-8 in line 3");
  }

  @Test
  void lineLongerThanTheBoundIsAnError() throws Exception {
    assertThatThrownBy(() -> feed("data: " + "x".repeat(1100)))
        .isInstanceOf(MalformedStreamException.class)
        .hasMessage("line 1 longer than 1024 bytes");
  }

  @Test
  void lineOfExactlyTheBoundIsAccepted() throws Exception {
    feed("data: " + "x".repeat(1024 - 6) + "\n\n");
    assertThat(events).singleElement().satisfies(e -> assertThat(e.data()).hasSize(1018));
  }

  @Test
  void dataBeyondTheBoundAcrossLinesIsAnError() {
    String line = "data: " + "x".repeat(300) + "\n";
    assertThatThrownBy(() -> feed(line.repeat(4)))
        .isInstanceOf(MalformedStreamException.class)
        .hasMessage("event data longer than 1024 characters at line 4");
  }
}
