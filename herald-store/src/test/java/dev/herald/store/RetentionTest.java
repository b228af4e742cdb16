package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.history.HistoryContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pruning by count, age and size, in the background and on demand, and the disk it gives back. Runs
 * on the JUnit thread, which plays the dispatcher; pruning runs on the store's pruner thread.
 */
class RetentionTest {

  @TempDir Path dataDir;

  private final TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));

  /** Pruning only when the test asks, unless the test says otherwise. */
  private StoreConfig config() {
    return StoreConfig.DEFAULTS
        .withDataDir(dataDir)
        .withMaxEvents(1_000_000)
        .withPruneInterval(Duration.ofHours(1));
  }

  /** Fixed width, so that events with the same data have the same size. */
  private static String id(long sequence) {
    return String.format("id-%08d", sequence);
  }

  private static Event event(long sequence, String data) {
    return HistoryContract.event(
        sequence, Update.of("https://example.com/t", data).withId(id(sequence)));
  }

  private static void append(SqliteHistory history, long from, long to, String data) {
    List<Event> group = new ArrayList<>();
    for (long sequence = from; sequence <= to; sequence++) {
      group.add(event(sequence, data));
      if (group.size() == 1_000) {
        history.append(group);
        group = new ArrayList<>();
      }
    }
    if (!group.isEmpty()) {
      history.append(group);
    }
  }

  private static List<Long> retained(SqliteHistory history) {
    return history.read(0, history.lastSequence(), 1_000_000).stream()
        .map(Event::sequence)
        .toList();
  }

  /** What one event of {@link #append} counts for the size limit: frame plus topic. */
  private static long sizeOf(long sequence, String data) {
    return event(sequence, data).frame().length + "https://example.com/t".length();
  }

  @Test
  void keepsTheNewestMaxEvents() {
    try (SqliteHistory history = SqliteHistory.open(config().withMaxEvents(100))) {
      append(history, 1, 250, "x");
      history.pruneNow().join();
      assertThat(retained(history)).hasSize(100).startsWith(151L).endsWith(250L);
      assertThat(history.firstSequence()).isEqualTo(151);
      assertThat(history.lastSequence()).isEqualTo(250);
      assertThat(history.sequenceOf(id(150))).as("a pruned id is unknown").isEqualTo(-1);
      assertThat(history.sequenceOf(id(151))).isEqualTo(151);
      long expectedBytes = 0;
      for (long sequence = 151; sequence <= 250; sequence++) {
        expectedBytes += sizeOf(sequence, "x");
      }
      assertThat(history.retainedBytes()).isEqualTo(expectedBytes);
    }
  }

  @Test
  void prunesAFarBacklogInManyStepsOfBoundedSize() {
    int backlog = Pruner.STEP_EVENTS * 3 + 17;
    try (SqliteHistory history = SqliteHistory.open(config().withMaxEvents(10))) {
      append(history, 1, backlog, "x");
      history.pruneNow().join();
      assertThat(history.firstSequence()).isEqualTo(backlog - 9);
      assertThat(retained(history)).hasSize(10);
    }
  }

  @Test
  void dropsEventsOlderThanMaxAge() {
    try (SqliteHistory history =
        SqliteHistory.open(config().withMaxAge(Duration.ofMinutes(10)), clock)) {
      append(history, 1, 100, "old");
      clock.advance(Duration.ofMinutes(6));
      append(history, 101, 150, "middle");
      clock.advance(Duration.ofMinutes(4)); // the first 100 are exactly 10 minutes old: kept
      history.pruneNow().join();
      assertThat(history.firstSequence()).isEqualTo(1);
      clock.advance(Duration.ofMillis(1));
      history.pruneNow().join();
      assertThat(history.firstSequence()).isEqualTo(101);
      clock.advance(Duration.ofMinutes(6));
      history.pruneNow().join();
      assertThat(retained(history)).isEmpty();
      assertThat(history.lastId()).isNull();
      assertThat(history.lastSequence()).isEqualTo(150);
    }
  }

  @Test
  void keepsTheRetainedPayloadUnderMaxBytes() {
    long oneEvent = sizeOf(1, "0123456789");
    long limit = oneEvent * 20 + oneEvent / 2; // room for 20 events and a half
    try (SqliteHistory history = SqliteHistory.open(config().withMaxBytes(limit))) {
      append(history, 1, 100, "0123456789");
      assertThat(history.retainedBytes()).isEqualTo(100 * oneEvent);
      history.pruneNow().join();
      assertThat(history.retainedBytes()).isLessThanOrEqualTo(limit).isEqualTo(20 * oneEvent);
      assertThat(retained(history)).hasSize(20).startsWith(81L).endsWith(100L);
    }
  }

  @Test
  void theTightestLimitWins() {
    StoreConfig all =
        config().withMaxEvents(50).withMaxAge(Duration.ofMinutes(1)).withMaxBytes(1_000_000);
    try (SqliteHistory history = SqliteHistory.open(all, clock)) {
      append(history, 1, 80, "x");
      clock.advance(Duration.ofMinutes(2));
      append(history, 81, 100, "x");
      history.pruneNow().join();
      assertThat(history.firstSequence()).as("age beats count here").isEqualTo(81);
    }
  }

  @Test
  void prunesInTheBackgroundWithoutBeingAsked() {
    StoreConfig eager = config().withMaxEvents(10).withPruneInterval(Duration.ofMillis(20));
    try (SqliteHistory history = SqliteHistory.open(eager)) {
      append(history, 1, 100, "x");
      await().atMost(Duration.ofSeconds(10)).until(() -> history.firstSequence() == 91);
      assertThat(retained(history)).hasSize(10);
    }
  }

  private long filesSize() throws IOException {
    long total = 0;
    for (String name : List.of("herald.db", "herald.db-wal")) {
      Path file = dataDir.resolve(name);
      if (Files.exists(file)) {
        total += Files.size(file);
      }
    }
    return total;
  }

  @Test
  void theDatabaseFileShrinksAfterPruning() throws Exception {
    Path database = dataDir.resolve("herald.db");
    try (SqliteHistory history = SqliteHistory.open(config().withMaxEvents(1_000))) {
      append(history, 1, 30_000, "k".repeat(1_000));
      long before = Files.size(database);
      history.pruneNow().join(); // prunes, gives the pages back, checkpoints: all while open
      long after = Files.size(database);
      assertThat(retained(history)).hasSize(1_000);
      assertThat(after)
          .as(
              "database file: %d bytes with 30,000 events, %d after pruning to 1,000",
              before, after)
          .isLessThan(before / 10);
    }
  }

  @Test
  void theFilesStopGrowingOnceRetentionIsReached() throws Exception {
    String kilobyte = "k".repeat(1_000);
    List<Long> sizes = new ArrayList<>();
    try (SqliteHistory history = SqliteHistory.open(config().withMaxEvents(2_000))) {
      long next = 1;
      for (int round = 0; round < 12; round++) {
        append(history, next, next + 3_999, kilobyte);
        next += 4_000;
        history.pruneNow().join();
        sizes.add(filesSize());
      }
      assertThat(retained(history)).hasSize(2_000);
    }
    // 48 MB appended in all; what is kept on disk is bounded by retention plus the log's limit
    assertThat(sizes.get(11))
        .as("db + wal bytes after each round: %s", sizes)
        .isLessThanOrEqualTo(sizes.get(3) + sizes.get(3) / 5)
        .isLessThan(24L * 1024 * 1024);
  }
}
