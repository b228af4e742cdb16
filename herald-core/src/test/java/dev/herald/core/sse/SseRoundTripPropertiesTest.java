package dev.herald.core.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.herald.core.Update;
import dev.herald.core.property.HostileText;
import dev.herald.core.property.PropertyCases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the SSE wire format: whatever a valid update holds, {@link SseFrame} encodes it so
 * that a WHATWG parser reads back the same event; and the parser survives any line at all. Lines
 * are split as {@code BufferedReader} (and so the JDK client's {@code ofLines}) splits them: on CR,
 * LF and CRLF, like a browser.
 */
class SseRoundTripPropertiesTest {

  static Stream<Named<List<Update>>> updateSequences() {
    return PropertyCases.of(
        "sse-round-trip",
        1_000,
        random -> {
          List<Update> updates = new ArrayList<>();
          int count = 1 + random.nextInt(3);
          for (int i = 0; i < count; i++) {
            updates.add(update(random));
          }
          return updates;
        });
  }

  static Stream<Named<List<String>>> arbitraryLines() {
    return PropertyCases.of(
        "sse-parser-lines",
        1_000,
        random -> {
          List<String> lines = new ArrayList<>();
          int count = random.nextInt(12);
          for (int i = 0; i < count; i++) {
            lines.add(line(random));
          }
          return lines;
        });
  }

  @ParameterizedTest
  @MethodSource("updateSequences")
  void whatTheEncoderWritesTheParserReadsBack(List<Update> updates) {
    StringBuilder wire =
        new StringBuilder(new String(SseFrame.OPEN_COMMENT, StandardCharsets.UTF_8));
    for (Update update : updates) {
      wire.append(new String(SseFrame.encode(update), StandardCharsets.UTF_8));
      wire.append(new String(SseFrame.HEARTBEAT, StandardCharsets.UTF_8));
    }
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    lines(wire.toString()).forEach(parser::line);

    List<SseEvent> expected =
        updates.stream()
            .map(
                update ->
                    new SseEvent(
                        update.id(),
                        update.type() == null ? "message" : update.type(),
                        update.data().replace("\r\n", "\n").replace('\r', '\n'),
                        update.retry()))
            .toList();
    assertThat(events).containsExactlyElementsOf(expected);
    assertThat(parser.lastEventId()).isEqualTo(updates.get(updates.size() - 1).id());
  }

  @ParameterizedTest
  @MethodSource("arbitraryLines")
  void theParserAcceptsAnyLine(List<String> lines) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    assertThatCode(() -> lines.forEach(parser::line)).doesNotThrowAnyException();
    for (SseEvent event : events) {
      assertThat(event.id()).doesNotContain("\0");
      assertThat(event.type()).isNotEmpty();
      if (event.retry() != null) {
        assertThat(event.retry()).isNotNegative();
      }
    }
    if (parser.reconnectionMillis() != null) {
      assertThat(parser.reconnectionMillis()).isNotNegative();
    }
  }

  private static Stream<String> lines(String wire) {
    try (BufferedReader reader = new BufferedReader(new StringReader(wire))) {
      return reader.lines().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A valid update: any data; id and type of one line; any retry. */
  private static Update update(Random random) {
    String id;
    do {
      id = oneLine(random);
    } while (id.isEmpty() || id.startsWith("#") || id.equals("earliest"));
    String type = random.nextBoolean() ? null : oneLine(random);
    Long retry =
        random.nextInt(3) == 0 ? (random.nextBoolean() ? 0L : random.nextLong() >>> 1) : null;
    return new Update(List.of("t"), HostileText.string(random, 300), false, id, type, retry);
  }

  private static String oneLine(Random random) {
    return HostileText.string(random, 40).replaceAll("[\r\n\0]", "");
  }

  private static String line(Random random) {
    String[] fields = {"data", "id", "event", "retry", "", ":", "x"};
    String field = fields[random.nextInt(fields.length)];
    String value =
        switch (random.nextInt(4)) {
          case 0 -> HostileText.from(random, "0123456789", 25);
          case 1 -> HostileText.from(random, "0123456789\u0663\uff11 -+", 8);
          default -> HostileText.anyString(random, 60);
        };
    String separator = random.nextInt(4) == 0 ? ":" : random.nextInt(3) == 0 ? "" : ": ";
    return (field + separator + value).replaceAll("[\r\n]", "");
  }
}
