package dev.herald.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox against a real PostgreSQL and a real hub over sockets: what the applications'
 * transactions commit becomes one event each, in per-topic commit order, and nothing else. One
 * cluster for the class, a table of its own per test. Runs on the JUnit thread plus, where a test
 * says so, a writer thread.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OutboxTest {

  @RegisterExtension static final PostgresCluster postgres = new PostgresCluster();

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static int tables;

  @TempDir Path dir;
  private String table;
  private OutboxConfig config;
  private OutboxHub hub;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void openHub() throws Exception {
    table = "outbox_" + ++tables;
    config =
        OutboxConfig.parse(postgres.uri(), table)
            .withMaxDataBytes(1_000)
            .withPollInterval(Duration.ofMillis(200));
    hub = OutboxHub.durable(dir.resolve("hub"), config);
    await().atMost(WAIT).until(hub.outbox::consuming); // the table exists from then on
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
    hub.close();
  }

  private Connection connect() throws SQLException {
    Connection connection = postgres.connect();
    opened.add(connection);
    return connection;
  }

  private void insert(Connection connection, String topic, String data) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO " + table + " (topics, data) VALUES (ARRAY[?], ?)")) {
      insert.setString(1, topic);
      insert.setString(2, data);
      insert.executeUpdate();
    }
  }

  private long pendingRows() throws SQLException {
    try (Connection connection = postgres.connect();
        Statement statement = connection.createStatement();
        ResultSet count =
            statement.executeQuery("SELECT count(*) FROM " + table + " WHERE failure IS NULL")) {
      count.next();
      return count.getLong(1);
    }
  }

  @Test
  void committedRowsBecomeOneEventEachAndRolledBackRowsNever() throws Exception {
    Connection connection = connect();
    List<String> committed = new ArrayList<>();
    for (int tx = 0; tx < 5; tx++) {
      connection.setAutoCommit(false);
      for (int i = 0; i < 10; i++) {
        insert(connection, "https://example.com/t/" + (i % 3), "tx" + tx + "-" + i);
        committed.add("tx" + tx + "-" + i);
      }
      connection.commit();
      connection.setAutoCommit(false);
      insert(connection, "https://example.com/t/0", "rolled back " + tx);
      connection.rollback();
    }
    connection.setAutoCommit(true);
    insert(connection, "https://example.com/t/end", "end");
    committed.add("end");

    assertThat(Replay.everything(hub.base(), "end", WAIT)).containsExactlyElementsOf(committed);
    await().atMost(WAIT).until(() -> pendingRows() == 0);
    assertThat(hub.outbox.publishedRows()).isEqualTo(51);
  }

  /**
   * The classic trap: ids are drawn at insert and become visible at commit, so a reader that moved
   * past a later id would skip an earlier one committed after it.
   */
  @Test
  void rowsCommittedOutOfIdOrderAreNoneSkipped() throws Exception {
    List<Connection> open = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Connection connection = connect();
      connection.setAutoCommit(false);
      // Topics of their own: rows of one topic wait for each other at insert (see OutboxSchema).
      insert(connection, "https://example.com/late/" + i, "row " + i);
      open.add(connection);
    }
    try (Replay live = Replay.open(hub.base(), false)) {
      for (int i = 9; i >= 0; i--) { // the highest id first, the lowest last
        open.get(i).commit();
        String expected = "row " + i;
        await().atMost(WAIT).until(() -> live.data().contains(expected));
      }
      Connection connection = connect();
      insert(connection, "https://example.com/late/end", "end");
      await().atMost(WAIT).until(() -> live.data().contains("end"));
      assertThat(live.data())
          .containsExactly(
              "row 9", "row 8", "row 7", "row 6", "row 5", "row 4", "row 3", "row 2", "row 1",
              "row 0", "end");
    }
  }

  /**
   * Rows of one topic come out in commit order: a second transaction writing the topic waits at its
   * insert until the first ends, so it cannot draw a lower id and commit later.
   */
  @Test
  void rowsOfOneTopicAreDeliveredInCommitOrder() throws Exception {
    String topic = "https://example.com/ordered";
    Connection first = connect();
    first.setAutoCommit(false);
    insert(first, topic, "first");
    Connection second = connect();
    CompletableFuture<Void> secondWrite =
        CompletableFuture.runAsync(
            () -> {
              try {
                second.setAutoCommit(false);
                insert(second, topic, "second");
                second.commit();
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    try (Statement statement = connect().createStatement()) {
      // The second insert waits for the first transaction's topic lock.
      await()
          .atMost(WAIT)
          .until(
              () -> {
                try (ResultSet waiting =
                    statement.executeQuery(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT"
                            + " granted")) {
                  waiting.next();
                  return waiting.getLong(1) == 1;
                }
              });
    }
    assertThat(secondWrite).isNotDone();
    first.commit();
    secondWrite.get(20, TimeUnit.SECONDS);
    Connection connection = connect();
    insert(connection, topic, "end");
    assertThat(Replay.everything(hub.base(), "end", WAIT))
        .containsExactly("first", "second", "end");
  }

  @Test
  void aBadRowIsSetAsideWithItsReasonCountedAndTheRowsBehindItGoOn() throws Exception {
    Connection connection = connect();
    insert(connection, "https://example.com/a", "before");
    try (Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO " + table + " (topics, data) VALUES ('{}', 'no topic')");
      statement.execute(
          "INSERT INTO " + table + " (topics, data) VALUES ('{\"\"}', 'an empty topic')");
      statement.execute(
          "INSERT INTO "
              + table
              + " (topics, data) VALUES ('{https://example.com/a}', repeat('x', 1001))");
      statement.execute(
          "INSERT INTO "
              + table
              + " (topics, data, event_id) VALUES ('{https://example.com/a}', 'bad id',"
              + " 'earliest')");
    }
    insert(connection, "https://example.com/a", "after");

    assertThat(Replay.everything(hub.base(), "after", WAIT)).containsExactly("before", "after");
    List<String> reasons = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT failure FROM " + table + " WHERE failure IS NOT NULL ORDER BY id")) {
      while (rows.next()) {
        reasons.add(rows.getString(1));
      }
    }
    assertThat(reasons).hasSize(4);
    assertThat(reasons.get(0)).startsWith("topic: missing");
    assertThat(reasons.get(1)).startsWith("topic: empty");
    assertThat(reasons.get(2)).startsWith("data: over 1000 bytes");
    assertThat(reasons.get(3)).startsWith("id: 'earliest'");
    assertThat(hub.outbox.setAsideRows()).isEqualTo(4);
    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(hub.base() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .contains("herald_outbox_rows_set_aside_total 4.0")
        .contains("herald_outbox_consuming 1.0");
  }

  /**
   * The crash window made certain: the hub stored the rows, then their delete failed (as when the
   * consumer dies or PostgreSQL restarts in between), so they are read and published again, over
   * and over, until the delete goes through. Each is still stored once.
   */
  @Test
  void rowsPublishedAgainBecauseTheirDeleteFailedAreStoredOnce() throws Exception {
    Connection connection = connect();
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE FUNCTION "
              + table
              + "_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " RAISE EXCEPTION 'deletes refused'; END $$");
      statement.execute(
          "CREATE TRIGGER refuse BEFORE DELETE ON "
              + table
              + " FOR EACH ROW EXECUTE FUNCTION "
              + table
              + "_refuse()");
    }
    for (int i = 0; i < 5; i++) {
      insert(connection, "https://example.com/a", "row " + i);
    }
    await().atMost(WAIT).until(() -> hub.outbox.failedRounds() >= 3); // published, not deleted
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP TRIGGER refuse ON " + table);
    }
    await().atMost(WAIT).until(() -> pendingRows() == 0);
    insert(connection, "https://example.com/a", "end");
    assertThat(Replay.everything(hub.base(), "end", WAIT))
        .containsExactly("row 0", "row 1", "row 2", "row 3", "row 4", "end");
  }

  @Test
  void aRowWithItsOwnEventIdThatTheHubAlreadyHasIsNotStoredTwice() throws Exception {
    Connection connection = connect();
    try (Statement statement = connection.createStatement()) {
      for (int i = 0; i < 2; i++) { // an application that wrote its row twice
        statement.execute(
            "INSERT INTO "
                + table
                + " (topics, data, event_id) VALUES ('{https://example.com/a}', 'once',"
                + " 'urn:order:1')");
      }
    }
    insert(connection, "https://example.com/a", "end");
    assertThat(Replay.everything(hub.base(), "end", WAIT)).containsExactly("once", "end");
  }
}
