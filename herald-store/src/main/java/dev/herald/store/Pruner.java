package dev.herald.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies retention in the background: deletes the oldest events past the count, age or size limit,
 * at most {@value #STEP_EVENTS} per transaction, then gives freed pages back to the file system
 * {@value #STEP_PAGES} at a time and checkpoints the write-ahead log so the file shrinks. Only the
 * oldest events are ever deleted, so the retained sequences stay contiguous.
 *
 * <p>Threading: runs on its own thread ({@code herald-store-pruner}) with its own connection. Each
 * of its write transactions holds the store's write lock, released between steps, so an append
 * waits for one short step at most, never for a whole pass.
 */
final class Pruner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Pruner.class);

  /** Events deleted per transaction: a few milliseconds of write lock. */
  static final int STEP_EVENTS = 2_000;

  /** Free pages returned to the file system per transaction (1 MiB with 4 KiB pages). */
  static final int STEP_PAGES = 256;

  private final Connection connection;
  private final LogState state;
  private final StoreConfig config;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private final PreparedStatement firstYoungEnough;
  private final PreparedStatement sizesFrom;
  private final PreparedStatement sumOfSizes;
  private final PreparedStatement deleteThrough;
  private final PreparedStatement subtractBytes;
  private volatile boolean stopping;

  /** Takes ownership of the connection: it is closed by {@link #close}, or here on failure. */
  Pruner(Connection connection, LogState state, StoreConfig config, Clock clock)
      throws SQLException {
    this.connection = connection;
    this.state = state;
    this.config = config;
    this.clock = clock;
    try {
      this.firstYoungEnough =
          connection.prepareStatement(
              "SELECT seq FROM events WHERE seq BETWEEN ? AND ? AND published_at >= ?"
                  + " ORDER BY seq LIMIT 1");
      this.sizesFrom =
          connection.prepareStatement(
              "SELECT seq, size FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq");
      this.sumOfSizes =
          connection.prepareStatement(
              "SELECT COALESCE(SUM(size), 0) FROM events WHERE seq BETWEEN ? AND ?");
      this.deleteThrough =
          connection.prepareStatement("DELETE FROM events WHERE seq BETWEEN ? AND ?");
      this.subtractBytes =
          connection.prepareStatement(
              "UPDATE state SET retained_bytes = retained_bytes - ? WHERE singleton = 0");
    } catch (SQLException e) {
      Schema.closeQuietly(connection, e);
      throw e;
    }
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread pruner = new Thread(task, "herald-store-pruner");
              pruner.setDaemon(true);
              return pruner;
            });
  }

  void start() {
    long interval = config.pruneInterval().toMillis();
    thread.scheduleWithFixedDelay(this::runLogged, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** Runs one pass now on the pruner thread; completes when it is done. */
  CompletableFuture<Void> runNow() {
    return CompletableFuture.runAsync(
        () -> {
          try {
            runOnce();
          } catch (SQLException e) {
            throw new StoreException("history pruning failed: " + e.getMessage(), e);
          }
        },
        thread);
  }

  private void runLogged() {
    try {
      runOnce();
    } catch (SQLException | RuntimeException e) {
      // Retention is retried next pass; the log only grows past its limits meanwhile.
      log.warn("history pruning failed (retrying in {}): {}", config.pruneInterval(), e.toString());
    }
  }

  private void runOnce() throws SQLException {
    boolean changed = false;
    long cutoff;
    while (!stopping && (cutoff = nextCutoff()) >= state.first) {
      deleteThrough(cutoff);
      changed = true;
    }
    changed |= reclaimFreePages();
    if (changed && !stopping) {
      checkpoint();
    }
  }

  /**
   * The newest sequence to delete in the next step: the largest any limit asks for, within {@value
   * #STEP_EVENTS} events of the oldest; {@code first - 1} when nothing is due.
   */
  private long nextCutoff() throws SQLException {
    long first = state.first;
    long last = state.last;
    if (first > last) {
      return first - 1;
    }
    long stepEnd = Math.min(last, first + STEP_EVENTS - 1);
    long cutoff = Math.min(stepEnd, last - config.maxEvents());
    if (!config.maxAge().isZero()) {
      cutoff = Math.max(cutoff, lastTooOld(first, stepEnd));
    }
    long excessBytes = state.bytes - config.maxBytes();
    if (config.maxBytes() > 0 && excessBytes > 0) {
      cutoff = Math.max(cutoff, lastToFree(first, stepEnd, excessBytes));
    }
    return Math.max(cutoff, first - 1);
  }

  /** The end of the run of events older than the age limit that starts at {@code first}. */
  private long lastTooOld(long first, long stepEnd) throws SQLException {
    long oldestAllowedMillis = clock.millis() - config.maxAge().toMillis();
    firstYoungEnough.setLong(1, first);
    firstYoungEnough.setLong(2, stepEnd);
    firstYoungEnough.setLong(3, oldestAllowedMillis);
    try (ResultSet row = firstYoungEnough.executeQuery()) {
      return row.next() ? row.getLong(1) - 1 : stepEnd;
    }
  }

  /** The sequence through which deleting from {@code first} frees at least {@code excess} bytes. */
  private long lastToFree(long first, long stepEnd, long excess) throws SQLException {
    sizesFrom.setLong(1, first);
    sizesFrom.setLong(2, stepEnd);
    long freed = 0;
    long through = first - 1;
    try (ResultSet rows = sizesFrom.executeQuery()) {
      while (freed < excess && rows.next()) {
        through = rows.getLong(1);
        freed += rows.getLong(2);
      }
    }
    return through;
  }

  private void deleteThrough(long cutoff) throws SQLException {
    state.writeLock.lock();
    try {
      long first = state.first;
      long[] removedBytes = new long[1];
      Schema.inWriteTransaction(
          connection,
          () -> {
            sumOfSizes.setLong(1, first);
            sumOfSizes.setLong(2, cutoff);
            try (ResultSet row = sumOfSizes.executeQuery()) {
              row.next();
              removedBytes[0] = row.getLong(1);
            }
            deleteThrough.setLong(1, first);
            deleteThrough.setLong(2, cutoff);
            deleteThrough.executeUpdate();
            subtractBytes.setLong(1, removedBytes[0]);
            subtractBytes.executeUpdate();
          });
      state.first = cutoff + 1;
      state.bytes -= removedBytes[0];
      if (cutoff >= state.last) {
        state.lastId = null;
      }
    } finally {
      state.writeLock.unlock();
    }
  }

  /** Moves free pages to the end of the file and truncates them; true if any were returned. */
  private boolean reclaimFreePages() throws SQLException {
    boolean reclaimed = false;
    try (Statement statement = connection.createStatement()) {
      long free = Schema.queryLong(statement, "PRAGMA freelist_count");
      while (!stopping && free > 0) {
        state.writeLock.lock();
        try {
          // executeUpdate steps the pragma to the end; execute would free a single page.
          statement.executeUpdate("PRAGMA incremental_vacuum(" + Math.min(free, STEP_PAGES) + ")");
        } finally {
          state.writeLock.unlock();
        }
        long left = Schema.queryLong(statement, "PRAGMA freelist_count");
        if (left >= free) {
          break; // a file created without incremental auto-vacuum cannot give pages back
        }
        reclaimed = true;
        free = left;
      }
    }
    return reclaimed;
  }

  /**
   * Copies the log into the database file without waiting for anyone; when the whole log is copied,
   * the file is cut to its new size, and the log restarts (cut to its size limit) on the next
   * commit.
   */
  private void checkpoint() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet ignored = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      // The result row says how far it got; a later pass or an automatic checkpoint finishes it.
    }
  }

  /** Stops after the current step and closes the connection. */
  @Override
  public void close() {
    stopping = true;
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("history pruner still busy after 10 s; closing its connection anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("closing the history pruner connection failed: {}", e.getMessage());
    }
  }
}
