package dev.herald.outbox;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An application writing outbox rows, one per transaction, each with an audit row in the same
 * transaction: what the audit table holds afterwards is exactly what was committed, even when a
 * commit's answer was lost in a crash. Rows go round {@code topics} topics; within a topic their
 * numbers grow, one writer, so that is their commit order. Runs on a thread of its own; {@link
 * #written} from any thread.
 */
final class AuditedWriter implements Runnable {

  private final Supplier<Connection> connect;
  private final String table;
  private final int rows;
  private final int topics;
  private final AtomicInteger written = new AtomicInteger();
  private volatile Throwable failure;

  AuditedWriter(Supplier<Connection> connect, String table, int rows, int topics) {
    this.connect = connect;
    this.table = table;
    this.rows = rows;
    this.topics = topics;
  }

  static void createAudit(Connection connection, String table) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + table + "_audit (data text NOT NULL)");
    }
  }

  /** Rows whose commit was answered. */
  int written() {
    return written.get();
  }

  Throwable failure() {
    return failure;
  }

  /** The outbox table it writes. */
  String table() {
    return table;
  }

  @Override
  public void run() {
    Connection connection = null;
    int attempts = 0;
    try {
      for (int i = 0; i < rows; ) {
        String data = "t" + (i % topics) + "-" + (i / topics);
        try {
          if (connection == null) {
            connection = connect.get();
            connection.setAutoCommit(false);
          }
          try (PreparedStatement row =
                  connection.prepareStatement(
                      "INSERT INTO " + table + " (topics, data) VALUES (ARRAY[?], ?)");
              PreparedStatement audit =
                  connection.prepareStatement(
                      "INSERT INTO " + table + "_audit (data) VALUES (?)")) {
            row.setString(1, "https://example.com/t/" + (i % topics));
            row.setString(2, data);
            row.executeUpdate();
            audit.setString(1, data);
            audit.executeUpdate();
          }
          connection.commit();
          written.incrementAndGet();
          i++;
        } catch (SQLException | RuntimeException e) {
          // PostgreSQL restarting: write the row again once it answers (if its commit did happen,
          // the audit table has it twice, and so must the hub).
          if (++attempts > 100) {
            throw new IllegalStateException("writer gave up after " + attempts + " failures", e);
          }
          closeQuietly(connection);
          connection = null;
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(20))
              .ignoreExceptions()
              .until(
                  () -> {
                    try (Connection probe = connect.get()) {
                      return probe.isValid(1);
                    }
                  });
        }
      }
    } catch (Throwable e) {
      failure = e;
    } finally {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // broken already
      }
    }
  }

  /** The audit table: what was committed, as a multiset in commit order. */
  static List<String> committed(Connection connection, String table) throws SQLException {
    List<String> data = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT data FROM " + table + "_audit")) {
      while (rows.next()) {
        data.add(rows.getString(1));
      }
    }
    return data;
  }

  /** Checks that within each topic the numbers never go down: the commit order of one writer. */
  static void assertOrderedPerTopic(List<String> delivered) {
    Map<String, Integer> last = new HashMap<>();
    for (String data : delivered) {
      int dash = data.indexOf('-');
      if (dash < 0) {
        continue;
      }
      String topic = data.substring(0, dash);
      int number = Integer.parseInt(data.substring(dash + 1));
      Integer before = last.put(topic, number);
      if (before != null && before > number) {
        throw new AssertionError(
            topic + ": " + number + " delivered after " + before + " in " + delivered);
      }
    }
  }
}
