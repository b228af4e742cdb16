package dev.herald.store;

import static dev.herald.core.history.HistoryContract.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The history syncs SQLite's write-ahead log itself: after every durable commit, and never when the
 * policy is {@code never}; a log it cannot sync fails the group, all or nothing. A log that is gone
 * (removed under the running writer) stands in for a disk that refuses: the sync is the only thing
 * that looks at the file by its path. Runs on the JUnit thread, which plays the dispatcher.
 */
class WalSyncTest {

  @TempDir Path dataDir;

  private StoreConfig config(Fsync fsync) {
    return StoreConfig.DEFAULTS.withDataDir(dataDir).withMaxEvents(100_000).withFsync(fsync);
  }

  private static List<Event> events(long from, long to) {
    List<Event> events = new ArrayList<>();
    for (long sequence = from; sequence <= to; sequence++) {
      events.add(event(sequence));
    }
    return events;
  }

  private Path wal() {
    return dataDir.resolve(Schema.DATABASE_FILE + "-wal");
  }

  @ParameterizedTest
  @EnumSource(
      value = Fsync.class,
      names = {"ALWAYS", "BATCH"})
  void aGroupWhoseLogCannotBeSyncedIsRefusedWhole(Fsync fsync) throws IOException {
    try (SqliteHistory history = SqliteHistory.open(config(fsync))) {
      history.append(events(1, 3));
      Files.delete(wal());

      assertThatThrownBy(() -> history.append(events(4, 6)))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("fdatasync");
      // Undone: the next group follows event 3 (no other connection can read the log any more,
      // its file being gone, so the writer's own view is what is checked).
      assertThat(history.lastSequence()).isEqualTo(3);
      assertThat(history.lastId()).isEqualTo(event(3).id());
      assertThat(history.sequenceOf(event(5).id())).isEqualTo(-1);
    }
  }

  @Test
  void neverSyncsTheLog() throws IOException {
    try (SqliteHistory history = SqliteHistory.open(config(Fsync.NEVER))) {
      history.append(events(1, 3));
      Files.delete(wal());

      history.append(events(4, 6));

      assertThat(history.lastSequence()).isEqualTo(6);
    }
  }

  @Test
  void followsTheLogWhenItIsANewFile() throws IOException {
    Path database = dataDir.resolve("any.db");
    Path log = dataDir.resolve("any.db-wal");
    try (WalSync sync = new WalSync(database)) {
      assertThatThrownBy(sync::sync).isInstanceOf(NoSuchFileException.class);

      Files.writeString(log, "first");
      sync.sync();
      Object first = Files.readAttributes(log, BasicFileAttributes.class).fileKey();
      assertThat(sync.heldKey()).isEqualTo(first);

      Path moved = Files.move(log, dataDir.resolve("old-wal"));
      Files.writeString(log, "second");
      sync.sync();

      Object second = Files.readAttributes(log, BasicFileAttributes.class).fileKey();
      assertThat(second).isNotEqualTo(first);
      assertThat(sync.heldKey()).isEqualTo(second);
      Files.delete(moved);
    }
  }
}
