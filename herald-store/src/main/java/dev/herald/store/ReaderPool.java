package dev.herald.store;

import dev.herald.core.Event;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that serve replay reads, each with its own connection, behind a bounded queue, so no
 * event loop ever touches the disk and a burst of reconnecting subscribers costs a bounded amount
 * of memory. When the queue is full, {@link #execute} throws {@link RejectedExecutionException}:
 * the subscriber whose chunk could not be queued has its stream closed, and its client resumes with
 * Last-Event-ID, losing nothing.
 *
 * <p>Threading: {@link #execute} and {@link #read} from any thread; each connection belongs to its
 * reader thread, which opens it on first use and closes it when the pool shuts down.
 */
final class ReaderPool implements Executor, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReaderPool.class);

  /** Rows allocated up front for a read; a larger {@code max} grows the list as rows arrive. */
  private static final int INITIAL_ROWS = 512;

  private final Path database;
  private final ThreadPoolExecutor executor;
  private final AtomicInteger threadNumber = new AtomicInteger();

  ReaderPool(Path database, int threads, int queueCapacity) {
    this.database = database;
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            task ->
                new ReaderThread(
                    this, task, "herald-store-reader-" + threadNumber.incrementAndGet()),
            new ThreadPoolExecutor.AbortPolicy());
  }

  @Override
  public void execute(Runnable task) {
    executor.execute(task);
  }

  /**
   * Reads on the calling reader thread's connection; a caller on any other thread hands the read to
   * a reader thread and waits for it.
   */
  List<Event> read(long afterSequence, long upToSequence, int max) {
    if (Thread.currentThread() instanceof ReaderThread reader && reader.pool == this) {
      return reader.read(afterSequence, upToSequence, max);
    }
    CompletableFuture<List<Event>> result =
        CompletableFuture.supplyAsync(() -> read(afterSequence, upToSequence, max), executor);
    try {
      return result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Lets queued reads finish, then stops the threads, which close their connections. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("history readers still busy after 10 s; interrupting them");
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** A reader thread and its connection, opened on its first read, closed when it stops. */
  private static final class ReaderThread extends Thread {

    private final ReaderPool pool;
    private Connection connection;
    private PreparedStatement selectRange;

    ReaderThread(ReaderPool pool, Runnable worker, String name) {
      super(worker, name);
      this.pool = pool;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        super.run();
      } finally {
        closeConnection();
      }
    }

    List<Event> read(long afterSequence, long upToSequence, int max) {
      if (max <= 0 || afterSequence >= upToSequence) {
        return List.of();
      }
      try {
        if (connection == null) {
          connection = Schema.openReader(pool.database);
          selectRange = connection.prepareStatement(EventRows.SELECT_RANGE);
        }
        selectRange.setLong(1, afterSequence);
        selectRange.setLong(2, upToSequence);
        selectRange.setInt(3, max);
        long expected = Math.min(Math.min(max, INITIAL_ROWS), upToSequence - afterSequence);
        List<Event> events = new ArrayList<>((int) expected);
        try (ResultSet rows = selectRange.executeQuery()) {
          while (rows.next()) {
            events.add(EventRows.toEvent(rows));
          }
        }
        return events;
      } catch (SQLException e) {
        throw new StoreException(
            "history: reading events after "
                + afterSequence
                + " up to "
                + upToSequence
                + " failed: "
                + e.getMessage(),
            e);
      }
    }

    private void closeConnection() {
      if (connection == null) {
        return;
      }
      try {
        selectRange.close();
      } catch (SQLException e) {
        log.warn("closing a history reader statement failed: {}", e.getMessage());
      } finally {
        try {
          connection.close();
        } catch (SQLException e) {
          log.warn("closing a history reader connection failed: {}", e.getMessage());
        }
      }
    }
  }
}
