package dev.herald.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across crashes: {@code kill -9} of the consuming hub, an immediate stop of
 * PostgreSQL, and the failover of two hubs on one Redis, each while an application keeps committing
 * rows. Afterwards a replay from {@code earliest} holds every committed row (the audit table
 * written in the same transactions says which) exactly once, in per-topic commit order. Runs on the
 * JUnit thread plus the writer's.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OutboxCrashTest {

  @RegisterExtension static final PostgresCluster postgres = new PostgresCluster();

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int ROWS = 600;
  private static int tables;

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private <T extends AutoCloseable> T open(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  private String newTable() throws SQLException {
    String table = "crash_" + ++tables;
    try (Connection connection = postgres.connect()) {
      AuditedWriter.createAudit(connection, table);
    }
    return table;
  }

  /**
   * Starts the application's writer once the hub's consumer has created the outbox table: it does
   * so on its own thread after the hub listens, and a writer faster than that would give up on a
   * missing table (a CI run saw it, as a minute without events).
   */
  private Thread startWriter(AuditedWriter writer) {
    await().atMost(WAIT).ignoreExceptions().until(() -> tableExists(writer.table()));
    Thread thread = new Thread(writer, "application-writer");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private long rowsLeft(String table) {
    try (Connection connection = postgres.connect();
        Statement statement = connection.createStatement();
        java.sql.ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
      return count.next() ? count.getLong(1) : -1;
    } catch (SQLException e) {
      return -1;
    }
  }

  private static String outboxMetrics(String base) {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body()
          .lines()
          .filter(line -> line.startsWith("herald_outbox") || line.startsWith("herald_events"))
          .toList()
          .toString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private boolean tableExists(String table) throws SQLException {
    try (Connection connection = postgres.connect();
        Statement statement = connection.createStatement();
        java.sql.ResultSet found =
            statement.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      return found.next() && found.getBoolean(1);
    }
  }

  private AuditedWriter writer(String table) {
    return new AuditedWriter(
        () -> {
          try {
            return postgres.connect();
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        },
        table,
        ROWS,
        4);
  }

  /** Waits for the writer, inserts the last row, and checks the hub's whole history against it. */
  private void assertEveryCommittedRowOnce(
      String table, AuditedWriter writer, Thread thread, String base) throws Exception {
    thread.join(WAIT.toMillis());
    assertThat(writer.failure()).isNull();
    assertThat(thread.isAlive()).isFalse();
    List<String> committed;
    try (Connection connection = postgres.connect()) {
      committed = AuditedWriter.committed(connection, table);
      try (Statement statement = connection.createStatement()) {
        statement.execute("INSERT INTO " + table + " (topics, data) VALUES ('{end}', 'end')");
      }
    }
    List<String> delivered = new ArrayList<>(Replay.everything(base, "end", WAIT));
    delivered.remove(delivered.size() - 1);
    assertThat(committed).hasSizeGreaterThanOrEqualTo(ROWS);
    assertThat(delivered).containsExactlyInAnyOrderElementsOf(committed);
    AuditedWriter.assertOrderedPerTopic(delivered);
  }

  @Test
  void killingTheHubWhileRowsStreamInLosesAndDuplicatesNothing() throws Exception {
    String table = newTable();
    Path data = Files.createDirectories(dir.resolve("hub"));
    ChildHub first =
        open(ChildHub.start(dir, "first", "durable", data.toString(), postgres.uri(), table));
    AuditedWriter writer = writer(table);
    Thread thread;
    // Subscribed before the writer starts: on a loaded machine the 600 rows were all published
    // before a subscriber opened after it (a CI run), and nothing was live to wait for.
    try (Replay live = Replay.open(first.base(), false)) {
      thread = startWriter(writer);
      await().atMost(WAIT).until(() -> live.data().size() >= 100);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no 100 live events from the first hub within "
              + WAIT
              + " (rows written: "
              + writer.written()
              + ", rows left in the table: "
              + rowsLeft(table)
              + ", writer failure: "
              + writer.failure()
              + "); its metrics: "
              + outboxMetrics(first.base())
              + "; its output:\n"
              + first.output(),
          e);
    }
    first.kill(); // mid-stream: rows read, published, not yet deleted, or not yet read
    ChildHub second =
        open(ChildHub.start(dir, "second", "durable", data.toString(), postgres.uri(), table));
    assertEveryCommittedRowOnce(table, writer, thread, second.base());
  }

  @Test
  void anImmediateStopOfPostgresqlLosesAndDuplicatesNothing() throws Exception {
    String table = newTable();
    OutboxHub hub =
        open(
            OutboxHub.durable(
                dir.resolve("hub"),
                OutboxConfig.parse(postgres.uri(), table)
                    .withPollInterval(Duration.ofMillis(200))));
    AuditedWriter writer = writer(table);
    Thread thread = startWriter(writer);
    await().atMost(WAIT).until(() -> hub.outbox.publishedRows() >= 100);
    postgres.stopImmediately(); // every session ends at once, the consumer's mid-round
    postgres.start();
    assertEveryCommittedRowOnce(table, writer, thread, hub.base());
    assertThat(hub.outbox.failedRounds()).as("the consumer saw PostgreSQL go").isPositive();
  }

  @Test
  void twoHubsOnOneRedisFailOverWithinSecondsAfterAKillAndStoreEachRowOnce() throws Exception {
    String table = newTable();
    RedisProcess redis = open(RedisProcess.start(dir));
    String prefix = "outbox-failover:";
    ChildHub consumer =
        open(ChildHub.start(dir, "a", "redis", redis.uri(), prefix, postgres.uri(), table));
    await().atMost(WAIT).until(() -> consumersHolding(table) == 1);
    ChildHub standby =
        open(ChildHub.start(dir, "b", "redis", redis.uri(), prefix, postgres.uri(), table));
    AuditedWriter writer = writer(table);
    Thread thread = startWriter(writer);
    try (Replay live = Replay.open(standby.base(), false)) {
      await().atMost(WAIT).until(() -> live.data().size() >= 100);
    }
    consumer.kill();
    // PostgreSQL ends the killed session and its lock; the standby takes it within a poll.
    await().atMost(Duration.ofSeconds(10)).until(() -> consumersHolding(table) == 1);
    assertEveryCommittedRowOnce(table, writer, thread, standby.base());
  }

  /** Sessions holding the consumer lock of {@code table}. */
  private static long consumersHolding(String table) throws SQLException {
    try (Connection connection = postgres.connect();
        Statement statement = connection.createStatement();
        ResultSet count =
            statement.executeQuery(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND"
                    + " classid::int = hashtext('herald-outbox:"
                    + table
                    + "') AND objid = 0 AND objsubid = 2")) {
      count.next();
      return count.getLong(1);
    }
  }
}
