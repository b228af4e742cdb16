package dev.herald.store;

import dev.herald.core.Event;
import dev.herald.core.history.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link History}: an SQLite database in WAL mode in the data directory. Each append
 * call is one transaction (the dispatcher's group commit), so a group is on disk whole or not at
 * all before any publisher is acknowledged. After a crash, SQLite's write-ahead log checksums find
 * a torn tail and drop it when the file is opened again; it is never read. Opening reads a handful
 * of rows whatever the size of the log, and replay reads are index range scans on the sequence.
 *
 * <p>Threading: {@link #append}, {@link #sequenceOf} and {@link #lastSequence} belong to the hub's
 * dispatcher thread, which owns the writer connection; {@link #read} runs on the store's reader
 * threads (a caller on any other thread is handed over to them and waits); the pruner thread
 * deletes the oldest events, its transactions ordered with appends by one fair lock. {@link
 * #lastId} and {@link #close} are safe from any thread.
 */
public final class SqliteHistory implements History {

  private static final Logger log = LoggerFactory.getLogger(SqliteHistory.class);

  private final StoreConfig config;
  private final Clock clock;
  private final DirectoryLock directoryLock;
  private final LogState state;
  private final Connection writer;
  private final PreparedStatement insert;
  private final PreparedStatement advanceState;
  private final PreparedStatement deleteRange;
  private final PreparedStatement selectSequenceOfId;
  private final ReaderPool readers;
  private final Pruner pruner;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqliteHistory(
      StoreConfig config,
      Clock clock,
      DirectoryLock directoryLock,
      LogState state,
      Connection writer,
      Pruner pruner)
      throws SQLException {
    this.config = config;
    this.clock = clock;
    this.directoryLock = directoryLock;
    this.state = state;
    this.writer = writer;
    this.pruner = pruner;
    this.insert = writer.prepareStatement(EventRows.INSERT);
    this.advanceState =
        writer.prepareStatement(
            "UPDATE state SET last_sequence = ?, retained_bytes = retained_bytes + ?"
                + " WHERE singleton = 0");
    this.deleteRange = writer.prepareStatement("DELETE FROM events WHERE seq BETWEEN ? AND ?");
    // The index holds (id, seq): the newest event with an id is found without touching the table.
    this.selectSequenceOfId =
        writer.prepareStatement("SELECT seq FROM events WHERE id = ? ORDER BY seq LIMIT 1");
    this.readers =
        new ReaderPool(
            config.dataDir().resolve(Schema.DATABASE_FILE),
            config.readerThreads(),
            config.readerQueueCapacity());
  }

  /** Opens (or creates) the store in {@code config.dataDir()}, with the system clock. */
  public static SqliteHistory open(StoreConfig config) {
    return open(config, Clock.systemUTC());
  }

  /**
   * Opens (or creates) the store in {@code config.dataDir()} and starts its pruner.
   *
   * @param clock stamps publish times and decides what is too old for {@code maxAge}
   * @throws StoreException if the directory cannot be created, is used by another process, or holds
   *     a file that is not a Herald database
   */
  public static SqliteHistory open(StoreConfig config, Clock clock) {
    long started = System.nanoTime();
    Path dir = config.dataDir();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("data-dir " + dir + ": cannot create it (" + e + ")", e);
    }
    DirectoryLock directoryLock = DirectoryLock.acquire(dir);
    Path database = dir.resolve(Schema.DATABASE_FILE);
    Connection writer = null;
    Connection prunerConnection = null;
    try {
      writer = Schema.openWriter(database, config.fsync());
      Schema.createOrCheck(writer);
      LogState state = load(writer);
      prunerConnection = Schema.openWriter(database, config.fsync());
      Pruner pruner = new Pruner(prunerConnection, state, config, clock);
      prunerConnection = null; // the pruner owns it now
      SqliteHistory history;
      try {
        history = new SqliteHistory(config, clock, directoryLock, state, writer, pruner);
      } catch (SQLException | RuntimeException e) {
        pruner.close();
        throw e;
      }
      pruner.start();
      log.info(
          "history: {} opened in {} ms, events {}..{} retained ({} bytes), fsync {}",
          database,
          (System.nanoTime() - started) / 1_000_000,
          state.first,
          state.last,
          state.bytes,
          config.fsync());
      return history;
    } catch (SQLException | RuntimeException e) {
      StoreException failure =
          e instanceof StoreException store
              ? store
              : new StoreException(
                  "data-dir " + dir + ": cannot open " + database + " (" + e.getMessage() + ")", e);
      Schema.closeQuietly(prunerConnection, failure);
      Schema.closeQuietly(writer, failure);
      Schema.closeQuietly(directoryLock, failure);
      throw failure;
    }
  }

  /** Reads where the log stands from a few rows: never a scan, whatever its size. */
  private static LogState load(Connection connection) throws SQLException {
    LogState state = new LogState();
    try (Statement statement = connection.createStatement()) {
      try (ResultSet row =
          statement.executeQuery("SELECT last_sequence, retained_bytes FROM state")) {
        if (!row.next()) {
          throw new SQLException("the state row is missing");
        }
        state.last = row.getLong(1);
        state.bytes = row.getLong(2);
      }
      try (ResultSet row =
          statement.executeQuery("SELECT seq, id FROM events ORDER BY seq DESC LIMIT 1")) {
        if (row.next()) {
          // Written in the same transaction as the state row, so they agree; trust the events.
          state.last = Math.max(state.last, row.getLong(1));
          state.lastId = row.getString(2);
        }
      }
      try (ResultSet row = statement.executeQuery("SELECT seq FROM events ORDER BY seq LIMIT 1")) {
        state.first = row.next() ? row.getLong(1) : state.last + 1;
      }
    }
    return state;
  }

  @Override
  public void append(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    if (closed.get()) {
      throw new StoreException("history: closed (append of " + events.size() + " events refused)");
    }
    long expected = state.last + 1;
    for (Event event : events) {
      if (event.sequence() != expected) {
        throw new IllegalStateException(
            "sequence " + event.sequence() + " appended after " + (expected - 1));
      }
      expected++;
    }
    long publishedAtMillis = clock.millis();
    state.writeLock.lock();
    try {
      if (config.fsync() == Fsync.ALWAYS) {
        appendOneCommitPerEvent(events, publishedAtMillis);
      } else {
        appendInOneCommit(events, publishedAtMillis);
      }
    } catch (SQLException e) {
      throw new StoreException(
          "history: append of events "
              + events.get(0).sequence()
              + ".."
              + events.get(events.size() - 1).sequence()
              + " failed: "
              + e.getMessage(),
          e);
    } finally {
      state.writeLock.unlock();
    }
  }

  /** One transaction, one fsync for the whole group (fsync batch and never). */
  private void appendInOneCommit(List<Event> events, long publishedAtMillis) throws SQLException {
    long[] addedBytes = new long[1];
    Event newest = events.get(events.size() - 1);
    Schema.inWriteTransaction(
        writer,
        () -> {
          for (Event event : events) {
            addedBytes[0] += EventRows.bindInsert(insert, event, publishedAtMillis);
            insert.executeUpdate();
          }
          advanceState(newest.sequence(), addedBytes[0]);
        });
    committed(newest, addedBytes[0]);
  }

  /**
   * One transaction, one fsync per event (fsync always). A failure part-way deletes the events of
   * the group already committed, so the group is still all or nothing: none of them was
   * acknowledged or seen by anyone, as the dispatcher is waiting for this call.
   */
  private void appendOneCommitPerEvent(List<Event> events, long publishedAtMillis)
      throws SQLException {
    long before = state.last;
    long addedBytes = 0;
    Event lastCommitted = null;
    try {
      for (Event event : events) {
        long[] size = new long[1];
        Schema.inWriteTransaction(
            writer,
            () -> {
              size[0] = EventRows.bindInsert(insert, event, publishedAtMillis);
              insert.executeUpdate();
              advanceState(event.sequence(), size[0]);
            });
        addedBytes += size[0];
        lastCommitted = event;
      }
    } catch (SQLException | RuntimeException failure) {
      if (lastCommitted != null) {
        undo(before, lastCommitted, addedBytes, failure);
      }
      throw failure;
    }
    committed(lastCommitted, addedBytes);
  }

  private void undo(long before, Event lastCommitted, long addedBytes, Exception failure) {
    long through = lastCommitted.sequence();
    try {
      Schema.inWriteTransaction(
          writer,
          () -> {
            deleteRange.setLong(1, before + 1);
            deleteRange.setLong(2, through);
            deleteRange.executeUpdate();
            advanceState(before, -addedBytes);
          });
    } catch (SQLException | RuntimeException undoFailure) {
      // The events stay on disk: their sequences are taken, so the next group must follow them.
      failure.addSuppressed(undoFailure);
      committed(lastCommitted, addedBytes);
    }
  }

  private void advanceState(long lastSequence, long addedBytes) throws SQLException {
    advanceState.setLong(1, lastSequence);
    advanceState.setLong(2, addedBytes);
    advanceState.executeUpdate();
  }

  /** Publishes what the last commit made durable; called holding the write lock. */
  private void committed(Event newest, long addedBytes) {
    state.bytes += addedBytes;
    state.lastId = newest.id();
    state.last = newest.sequence();
  }

  @Override
  public List<Event> read(long afterSequence, long upToSequence, int max) {
    if (max <= 0 || afterSequence >= upToSequence) {
      return List.of();
    }
    return readers.read(afterSequence, upToSequence, max);
  }

  @Override
  public long sequenceOf(String id) {
    if (state.isEmpty()) {
      return -1;
    }
    try {
      selectSequenceOfId.setString(1, id);
      try (ResultSet row = selectSequenceOfId.executeQuery()) {
        return row.next() ? row.getLong(1) : -1;
      }
    } catch (SQLException e) {
      throw new StoreException("history: looking up id " + id + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long lastSequence() {
    return state.last;
  }

  @Override
  public String lastId() {
    return state.lastId;
  }

  /** Reads run here, on the store's bounded reader pool, never on the caller's event loop. */
  @Override
  public Executor readExecutor() {
    return readers;
  }

  /** The oldest retained sequence; {@code lastSequence() + 1} when nothing is retained. */
  public long firstSequence() {
    return state.first;
  }

  /** The payload bytes of the retained events, as counted for {@code maxBytes}. */
  public long retainedBytes() {
    return state.bytes;
  }

  /** The configuration this store was opened with. */
  public StoreConfig config() {
    return config;
  }

  /** Runs a retention pass now instead of at the next interval; completes when it is done. */
  public CompletableFuture<Void> pruneNow() {
    return pruner.runNow();
  }

  /**
   * Stops the pruner and the readers (reads in flight finish), then closes the writer, which
   * checkpoints the log into the database file, and releases the directory.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    pruner.close();
    readers.close();
    state.writeLock.lock();
    try {
      // Each one closed even if another fails; the writer last, as it checkpoints the log.
      for (AutoCloseable resource :
          List.of(insert, advanceState, deleteRange, selectSequenceOfId, writer, directoryLock)) {
        try {
          resource.close();
        } catch (Exception e) {
          log.warn("history: closing {} failed: {}", config.dataDir(), e.toString());
        }
      }
    } finally {
      state.writeLock.unlock();
    }
  }
}
