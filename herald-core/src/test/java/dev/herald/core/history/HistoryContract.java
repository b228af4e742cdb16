package dev.herald.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.sse.SseFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link History} must do, written once; each implementation runs it by extending this
 * class. The store under test is created fresh for each test and must retain at least 10,000
 * events. Runs on the JUnit thread, except where a test hands a read to the store's executor.
 */
public abstract class HistoryContract {

  /** A fresh, empty store that retains at least 10,000 events. */
  protected abstract History newHistory() throws Exception;

  /**
   * A fresh, empty store retaining only the newest {@code events}, or null if it cannot be made to;
   * {@link #pruneNow} must leave it holding exactly those.
   */
  protected History newHistoryRetaining(int events) throws Exception {
    return null;
  }

  /** Drops what a store from {@link #newHistoryRetaining} no longer retains, if it waits to. */
  protected void pruneNow(History store) {}

  protected History history;

  @BeforeEach
  void openStore() throws Exception {
    history = newHistory();
  }

  @AfterEach
  void closeStore() {
    history.close();
  }

  /** An event as the dispatcher builds it: the frame is the update's SSE encoding. */
  public static Event event(long sequence, Update update) {
    Update identified = update.id() == null ? update.withId("id-" + sequence) : update;
    return new Event(sequence, identified, SseFrame.encode(identified));
  }

  public static Event event(long sequence) {
    return event(
        sequence, Update.of("https://example.com/t/" + (sequence % 3), "data " + sequence));
  }

  /** Appends events {@code from..to} one call per {@code group}, as the dispatcher's groups do. */
  protected void appendRange(long from, long to, int group) {
    List<Event> batch = new ArrayList<>();
    for (long sequence = from; sequence <= to; sequence++) {
      batch.add(event(sequence));
      if (batch.size() == group) {
        history.append(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      history.append(batch);
    }
  }

  protected static List<Long> sequences(List<Event> events) {
    return events.stream().map(Event::sequence).toList();
  }

  /** Events are records holding an array, so compare what a subscriber would get. */
  protected static void assertSameEvent(Event actual, Event expected) {
    assertThat(actual.sequence()).isEqualTo(expected.sequence());
    assertThat(actual.update()).isEqualTo(expected.update());
    assertThat(actual.frame()).isEqualTo(expected.frame());
  }

  @Test
  void anEmptyStoreHasNothing() {
    assertThat(history.lastSequence()).isZero();
    assertThat(history.lastId()).isNull();
    assertThat(history.read(0, 100, 100)).isEmpty();
    assertThat(history.sequenceOf("id-1")).isEqualTo(-1);
  }

  @Test
  void readsARangeOldestFirstWithTheLowerBoundExcludedAndTheUpperIncluded() {
    appendRange(1, 10, 3);
    assertThat(sequences(history.read(2, 6, 100))).containsExactly(3L, 4L, 5L, 6L);
    assertThat(sequences(history.read(0, 10, 100))).hasSize(10).startsWith(1L).endsWith(10L);
  }

  @Test
  void readsAtMostMaxEvents() {
    appendRange(1, 10, 10);
    assertThat(sequences(history.read(0, 10, 4))).containsExactly(1L, 2L, 3L, 4L);
    assertThat(sequences(history.read(8, 10, 4))).containsExactly(9L, 10L);
    assertThat(history.read(0, 10, 0)).isEmpty();
  }

  @Test
  void readsNothingPastTheLastEventOrForAnEmptyRange() {
    appendRange(1, 5, 5);
    assertThat(sequences(history.read(3, 1_000, 100))).containsExactly(4L, 5L);
    assertThat(history.read(5, 1_000, 100)).isEmpty();
    assertThat(history.read(4, 4, 100)).isEmpty();
    assertThat(history.read(4, 2, 100)).isEmpty();
  }

  @Test
  void findsTheSequenceOfAnIdAndKnowsTheNewest() {
    appendRange(1, 50, 7);
    assertThat(history.sequenceOf("id-1")).isEqualTo(1);
    assertThat(history.sequenceOf("id-37")).isEqualTo(37);
    assertThat(history.sequenceOf("id-51")).isEqualTo(-1);
    assertThat(history.lastSequence()).isEqualTo(50);
    assertThat(history.lastId()).isEqualTo("id-50");
  }

  /**
   * Mercure draft-08: a Last-Event-ID naming a reused id resolves to the earliest retained update
   * with it, and every later one (the reuse included) is replayed.
   */
  @Test
  void aRepeatedIdPointsToItsEarliestEvent() {
    Update same = Update.of("t", "x").withId("same");
    history.append(List.of(event(1), event(2, same)));
    history.append(List.of(event(3, same), event(4)));
    history.append(List.of(event(5, same)));
    assertThat(history.sequenceOf("same")).isEqualTo(2);
  }

  @Test
  void aRepeatedIdWhoseEarliestWasPrunedPointsToTheEarliestRetained() throws Exception {
    History small = newHistoryRetaining(4);
    Assumptions.assumeTrue(small != null, "this store cannot be made to retain 4 events");
    try (small) {
      Update same = Update.of("t", "x").withId("same");
      small.append(List.of(event(1, same), event(2), event(3, same), event(4)));
      small.append(List.of(event(5), event(6, same)));
      pruneNow(small);
      assertThat(small.sequenceOf("same")).as("1 is pruned, 3 is retained").isEqualTo(3);
      small.append(List.of(event(7), event(8)));
      pruneNow(small);
      assertThat(small.sequenceOf("same")).as("3 is pruned, 6 is retained").isEqualTo(6);
      small.append(List.of(event(9), event(10), event(11)));
      pruneNow(small);
      assertThat(small.sequenceOf("same")).as("every use is pruned").isEqualTo(-1);
      small.append(List.of(event(12, same)));
      assertThat(small.sequenceOf("same")).as("used again").isEqualTo(12);
    }
  }

  @Test
  void keepsEveryFieldOfTheUpdateAndItsFrame() {
    Update rich =
        new Update(
            List.of(
                "https://example.com/a", "line\nbreak \\ and\\nescape", "https://example.com/ü"),
            "first\r\nsecond\rthird\nfourth \u0000 nul \uD83D\uDE00",
            true,
            "urn:uuid:0190d7a0-0000-7000-8000-000000000001",
            "book.updated",
            2_500L);
    Update plain = Update.of("https://example.com/b", "").withId("plain");
    history.append(List.of(event(1, rich), event(2, plain)));
    List<Event> read = history.read(0, 2, 10);
    assertThat(read).hasSize(2);
    assertSameEvent(read.get(0), event(1, rich));
    assertSameEvent(read.get(1), event(2, plain));
  }

  @Test
  void aGroupIsReadableAsSoonAsAppendReturns() {
    appendRange(1, 1_024, 1_024);
    List<Event> read = history.read(0, 1_024, 2_000);
    assertThat(read).hasSize(1_024);
    for (int i = 0; i < read.size(); i++) {
      assertSameEvent(read.get(i), event(i + 1));
    }
  }

  @Test
  void rejectsAGapAndKeepsWhatItHad() {
    appendRange(1, 3, 3);
    assertThatThrownBy(() -> history.append(List.of(event(5))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("5");
    assertThatThrownBy(() -> history.append(List.of(event(4), event(6))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("6");
    assertThat(history.lastSequence()).isEqualTo(3);
    assertThat(history.sequenceOf("id-4")).isEqualTo(-1);
    appendRange(4, 4, 1);
    assertThat(sequences(history.read(0, 10, 10))).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void readsOnItsOwnExecutor() throws Exception {
    appendRange(1, 600, 100);
    CompletableFuture<List<Event>> read = new CompletableFuture<>();
    history.readExecutor().execute(() -> read.complete(history.read(100, 600, 512)));
    List<Event> events = read.get(10, TimeUnit.SECONDS);
    assertThat(events).hasSize(500);
    assertThat(events.get(0).sequence()).isEqualTo(101);
    assertThat(events.get(499).sequence()).isEqualTo(600);
  }
}
