package dev.herald.outbox;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.dispatch.PlainSubscriptions;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.store.SqliteHistory;
import dev.herald.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the outbox costs: a throwaway PostgreSQL cluster on loopback (fsync off: the consumer is
 * measured, not the disk of PostgreSQL's commits), a hub over the durable SQLite history (fsync
 * batch, as {@code serve} runs), and a subscriber inside the hub's process.
 *
 * <ol>
 *   <li>Drain: ROWS rows committed while no consumer runs (10 topics), then the consumer starts;
 *       rows per second from its start until the subscriber has the last one.
 *   <li>Latency: one writer committing one row per transaction at RATE rows/s for SECONDS; for each
 *       row, the time from its commit returning to the application to the subscriber getting its
 *       event (p50, p90, p99).
 * </ol>
 *
 * <pre>
 * scripts/bench-outbox.sh [ROWS [RATE [SECONDS]]]   (defaults: 100000 200 10)
 * </pre>
 *
 * Runs on its main thread (the writer), the consumer's thread and a subscriber drain thread.
 */
public final class OutboxBenchmark {

  private OutboxBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    PostgresCluster postgres = new PostgresCluster();
    postgres.beforeAll(null);
    Path dir = Files.createTempDirectory("herald-outbox-bench-");
    try {
      drain(postgres, dir.resolve("drain"), rows);
      latency(postgres, dir.resolve("latency"), rate, seconds);
    } finally {
      postgres.afterAll(null);
    }
  }

  /** A subscriber to everything, drained on a thread of its own; receive times by row number. */
  private static final class Receiver implements AutoCloseable {
    final long[] receivedAt;
    private final Subscriber subscriber;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int received;

    Receiver(Hub hub, int capacity) throws Exception {
      receivedAt = new long[capacity];
      Thread[] self = new Thread[1];
      subscriber =
          hub.newSubscriber(
              List.of("*"),
              List.of(),
              null,
              PlainSubscriptions.FORMAT,
              () -> LockSupport.unpark(self[0]));
      thread = new Thread(this::run, "bench-receiver");
      self[0] = thread;
      thread.setDaemon(true);
      thread.start();
      hub.subscribe(subscriber, null).get(10, TimeUnit.SECONDS);
    }

    private void run() {
      while (running) {
        int drained = subscriber.drainTo(this::take, 1_024);
        if (drained == 0) {
          subscriber.idle();
          LockSupport.parkNanos(1_000_000);
        }
      }
    }

    private void take(Event event) {
      long now = System.nanoTime();
      int row = Integer.parseInt(event.update().data());
      if (row < receivedAt.length) {
        receivedAt[row] = now;
      }
      received++;
    }

    int received() {
      return received;
    }

    @Override
    public void close() {
      running = false;
      LockSupport.unpark(thread);
    }
  }

  private static Hub hub(Path dataDir) {
    SqliteHistory history =
        SqliteHistory.open(StoreConfig.DEFAULTS.withDataDir(dataDir).withMaxEvents(1_000_000));
    return new Hub(
        HubConfig.DEFAULTS.withHistorySize(1_000_000).withSubscriberQueueCapacity(1 << 20),
        history);
  }

  private static void drain(PostgresCluster postgres, Path dataDir, int rows) throws Exception {
    String table = "bench_drain";
    OutboxConfig config = OutboxConfig.parse(postgres.uri(), table);
    try (Connection connection = postgres.connect()) {
      new OutboxSchema(table).createIfMissing(connection);
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + table
                  + " (topics, data) SELECT ARRAY['https://example.com/t/' || (i % 10)], i::text"
                  + " FROM generate_series(?, ?) i")) {
        for (int from = 0; from < rows; from += 1_000) {
          insert.setInt(1, from);
          insert.setInt(2, Math.min(rows, from + 1_000) - 1);
          insert.executeUpdate();
          connection.commit();
        }
      }
    }
    Hub hub = hub(dataDir);
    try (Receiver receiver = new Receiver(hub, rows)) {
      long start = System.nanoTime();
      OutboxConsumer consumer = OutboxConsumer.start(config, hub);
      long deadline = start + TimeUnit.MINUTES.toNanos(5);
      while (receiver.received() < rows && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000);
      }
      long elapsed = System.nanoTime() - start;
      consumer.close();
      System.out.printf(
          "drain: %d rows in %.2f s = %.0f rows/s (received %d)%n",
          rows, elapsed / 1e9, rows / (elapsed / 1e9), receiver.received());
    } finally {
      hub.close();
    }
  }

  private static void latency(PostgresCluster postgres, Path dataDir, int rate, int seconds)
      throws Exception {
    String table = "bench_latency";
    int rows = rate * seconds;
    Hub hub = hub(dataDir);
    OutboxConsumer consumer = OutboxConsumer.start(OutboxConfig.parse(postgres.uri(), table), hub);
    long[] committedAt = new long[rows];
    try (Receiver receiver = new Receiver(hub, rows);
        Connection connection = postgres.connect()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!consumer.consuming() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(10_000_000);
      }
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + table
                  + " (topics, data) VALUES (ARRAY['https://example.com/t'], ?)")) {
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long next = System.nanoTime();
        for (int i = 0; i < rows; i++) {
          LockSupport.parkNanos(next - System.nanoTime());
          next += interval;
          insert.setString(1, Integer.toString(i));
          insert.executeUpdate();
          connection.commit();
          committedAt[i] = System.nanoTime();
        }
      }
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (receiver.received() < rows && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000);
      }
      long[] micros = new long[rows];
      for (int i = 0; i < rows; i++) {
        micros[i] = Math.max(0, receiver.receivedAt[i] - committedAt[i]) / 1_000;
      }
      Arrays.sort(micros);
      System.out.printf(
          "latency: %d rows at %d/s, commit -> delivered p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
              + " max %.2f ms (received %d)%n",
          rows,
          rate,
          micros[rows / 2] / 1e3,
          micros[rows * 9 / 10] / 1e3,
          micros[rows * 99 / 100] / 1e3,
          micros[rows - 1] / 1e3,
          receiver.received());
    } finally {
      consumer.close();
      hub.close();
    }
  }
}
