package dev.herald.store;

import static dev.herald.core.history.HistoryContract.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.Event;
import dev.herald.core.Update;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the durable store adds to the contract: surviving a restart, guarding its directory. Runs on
 * the JUnit thread, which plays the dispatcher.
 */
class SqliteHistoryTest {

  @TempDir Path dataDir;

  private StoreConfig config() {
    return StoreConfig.DEFAULTS.withDataDir(dataDir).withMaxEvents(100_000);
  }

  private static List<Event> events(long from, long to) {
    List<Event> events = new ArrayList<>();
    for (long sequence = from; sequence <= to; sequence++) {
      events.add(event(sequence));
    }
    return events;
  }

  private static List<Long> sequences(List<Event> events) {
    return events.stream().map(Event::sequence).toList();
  }

  @ParameterizedTest
  @EnumSource(Fsync.class)
  void aReopenedStoreHasEverythingAndContinuesTheSequence(Fsync fsync) {
    try (SqliteHistory history = SqliteHistory.open(config().withFsync(fsync))) {
      history.append(events(1, 40));
      history.append(events(41, 50));
    }
    try (SqliteHistory history = SqliteHistory.open(config().withFsync(fsync))) {
      assertThat(history.lastSequence()).isEqualTo(50);
      assertThat(history.lastId()).isEqualTo("id-50");
      assertThat(history.firstSequence()).isEqualTo(1);
      assertThat(history.sequenceOf("id-17")).isEqualTo(17);
      assertThat(sequences(history.read(45, 50, 100))).containsExactly(46L, 47L, 48L, 49L, 50L);
      history.append(events(51, 51));
      assertThat(history.lastSequence()).isEqualTo(51);
    }
  }

  /** Makes SQLite abort the insert of any event with this id, part-way through a group. */
  private void poison(String id) throws Exception {
    try (var connection = Schema.openWriter(dataDir.resolve(Schema.DATABASE_FILE), Fsync.BATCH);
        var statement = connection.createStatement()) {
      statement.executeUpdate(
          "CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.id = '"
              + id
              + "'"
              + " BEGIN SELECT RAISE(ABORT, 'poisoned for the test'); END");
    }
  }

  @ParameterizedTest
  @EnumSource(Fsync.class)
  void aGroupThatFailsPartWayLeavesNothingBehind(Fsync fsync) throws Exception {
    try (SqliteHistory history = SqliteHistory.open(config().withFsync(fsync))) {
      history.append(events(1, 3));
      long bytes = history.retainedBytes();
      poison("poison");
      List<Event> group = new ArrayList<>(events(4, 6));
      group.add(event(7, Update.of("t", "x").withId("poison")));
      group.add(event(8));
      assertThatThrownBy(() -> history.append(group))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("history: append of events 4..8 failed")
          .hasMessageContaining("poisoned for the test");
      assertThat(history.lastSequence()).isEqualTo(3);
      assertThat(history.lastId()).isEqualTo("id-3");
      assertThat(history.retainedBytes()).isEqualTo(bytes);
      assertThat(history.sequenceOf("id-4")).isEqualTo(-1);
      assertThat(sequences(history.read(0, 10, 10))).containsExactly(1L, 2L, 3L);
      history.append(events(4, 5)); // the same sequences are free again
    }
    try (SqliteHistory history = SqliteHistory.open(config().withFsync(fsync))) {
      assertThat(history.lastSequence()).isEqualTo(5);
      assertThat(sequences(history.read(0, 10, 10))).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
  }

  @Test
  void sequencesContinueAfterEveryEventWasPruned() {
    try (SqliteHistory history = SqliteHistory.open(config().withMaxEvents(0))) {
      history.append(events(1, 30));
      history.pruneNow().join();
      assertThat(history.read(0, 30, 100)).isEmpty();
      assertThat(history.lastId()).isNull();
      assertThat(history.retainedBytes()).isZero();
    }
    try (SqliteHistory history = SqliteHistory.open(config())) {
      assertThat(history.lastSequence()).isEqualTo(30);
      assertThat(history.firstSequence()).isEqualTo(31);
      assertThat(history.lastId()).isNull();
      assertThat(history.sequenceOf("id-30")).isEqualTo(-1);
      history.append(events(31, 31));
      assertThat(sequences(history.read(0, 31, 10))).containsExactly(31L);
    }
  }

  @Test
  void retainedBytesSurviveARestart() {
    long bytes;
    try (SqliteHistory history = SqliteHistory.open(config())) {
      history.append(events(1, 25));
      bytes = history.retainedBytes();
      assertThat(bytes).isGreaterThan(25L * event(1).frame().length);
    }
    try (SqliteHistory history = SqliteHistory.open(config())) {
      assertThat(history.retainedBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefused() {
    try (SqliteHistory history = SqliteHistory.open(config())) {
      assertThatThrownBy(() -> SqliteHistory.open(config()))
          .isInstanceOf(StoreException.class)
          .hasMessage("data-dir " + dataDir + ": already open in this process");
      history.append(events(1, 1));
    }
    // and the refused attempt released nothing the first one held
    try (SqliteHistory history = SqliteHistory.open(config())) {
      assertThat(history.lastSequence()).isEqualTo(1);
    }
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedWithItsName() throws Exception {
    Files.writeString(
        dataDir.resolve("herald.db"), "this is not an SQLite database, not at all ".repeat(20));
    assertThatThrownBy(() -> SqliteHistory.open(config()))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "data-dir " + dataDir + ": cannot open " + dataDir.resolve("herald.db"))
        .hasMessageContaining("not a database");
    // the lock was released on the way out
    Files.delete(dataDir.resolve("herald.db"));
    try (SqliteHistory history = SqliteHistory.open(config())) {
      assertThat(history.lastSequence()).isZero();
    }
  }

  @Test
  void aDataDirThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(dataDir.resolve("plain-file"), "x");
    assertThatThrownBy(() -> SqliteHistory.open(config().withDataDir(file)))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("data-dir " + file + ": cannot create it");
  }

  @Test
  void appendAfterCloseFailsClearly() {
    SqliteHistory history = SqliteHistory.open(config());
    history.close();
    history.close(); // twice is harmless
    assertThatThrownBy(() -> history.append(events(1, 1)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void idsAreFoundThroughTheIndexNotAScan() throws Exception {
    try (SqliteHistory history = SqliteHistory.open(config())) {
      history.append(events(1, 10));
    }
    try (var connection = Schema.openReader(dataDir.resolve(Schema.DATABASE_FILE));
        var statement = connection.createStatement();
        var plan =
            statement.executeQuery(
                "EXPLAIN QUERY PLAN SELECT seq FROM events WHERE id = 'x' ORDER BY seq DESC LIMIT 1")) {
      assertThat(plan.next()).isTrue();
      assertThat(plan.getString(4)).contains("USING COVERING INDEX events_by_id");
    }
  }

  @Test
  void topicsSurviveTheirEncoding() {
    List<List<String>> cases =
        List.of(
            List.of("plain"),
            List.of("a", "b"),
            List.of("back\\slash"),
            List.of("line\nbreak", "\\n literal", ""),
            List.of("trailing\\"));
    for (List<String> topics : cases) {
      assertThat(EventRows.decodeTopics(EventRows.encodeTopics(topics))).isEqualTo(topics);
    }
  }

  @Test
  void utf8LengthMatchesTheEncoder() {
    for (String text : List.of("", "ascii", "é", "€uro", "\uD83D\uDE00", "a\uD800b")) {
      assertThat(EventRows.utf8Length(text))
          .as(text)
          .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void aNewDatabaseGivesFreedPagesBack() throws Exception {
    try (SqliteHistory history = SqliteHistory.open(config())) {
      history.append(events(1, 1));
    }
    try (var connection = Schema.openReader(dataDir.resolve(Schema.DATABASE_FILE));
        var statement = connection.createStatement()) {
      assertThat(Schema.queryInt(statement, "PRAGMA auto_vacuum"))
          .as("2 = incremental")
          .isEqualTo(2);
      assertThat(Schema.queryString(statement, "PRAGMA journal_mode")).isEqualTo("wal");
    }
  }

  @Test
  void updatesWithoutOptionalFieldsReadBackWithout() {
    try (SqliteHistory history = SqliteHistory.open(config())) {
      Update bare = Update.of("t", "d").withId("bare");
      history.append(List.of(event(1, bare)));
      Update read = history.read(0, 1, 1).get(0).update();
      assertThat(read.type()).isNull();
      assertThat(read.retry()).isNull();
      assertThat(read.isPrivate()).isFalse();
    }
  }
}
