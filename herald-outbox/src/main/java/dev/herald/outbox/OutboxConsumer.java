package dev.herald.outbox;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubException;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Update;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the rows of a PostgreSQL outbox table into hub events, exactly once each.
 *
 * <p><b>Exactly once.</b> Each row carries an event id ({@code event_id}, filled by the insert
 * trigger when the application gives none), and a row is deleted only after the hub acknowledged
 * its event as stored. A crash between the two (this process killed, PostgreSQL restarted) leaves
 * the row, which is published again with the same id; publishing is idempotent by id, so the hub
 * answers with the event it already has and stores nothing. Nothing keeps a position, so a row
 * whose id became visible late (its transaction committed after a later one's) is simply found by
 * the next read: none is skipped. Rows of one topic come out in commit order (see {@link
 * OutboxSchema}).
 *
 * <p><b>One consumer per table.</b> Every node runs one of these; the one holding a session-level
 * advisory lock on its own connection consumes, the others try again every poll interval. When the
 * consumer dies, even by {@code kill -9}, PostgreSQL ends its session and releases the lock, and a
 * standby takes over within a poll interval.
 *
 * <p><b>Wake-up.</b> The insert trigger notifies at commit; the consumer waits for that on its
 * connection, and looks anyway after the poll interval, so a notification lost in a reconnect
 * delays rows, never loses them.
 *
 * <p>A row that cannot become an update (an empty or invalid topic, an invalid id, data over the
 * limit) is set aside: its {@code failure} column says why, it is counted, and the rows behind it
 * go on.
 *
 * <p>Threading: all JDBC work runs on the consumer's own thread ({@code herald-outbox}), which also
 * waits for the hub's acknowledgements (never an event loop); {@link #close} from any thread; the
 * counters from any thread.
 */
public final class OutboxConsumer implements AutoCloseable, MeterBinder {

  private static final Logger log = LoggerFactory.getLogger(OutboxConsumer.class);
  private static final RateLimitedLog troubles = new RateLimitedLog(log);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final OutboxConfig config;
  private final OutboxSchema schema;
  private final Hub hub;
  private final Thread thread;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong setAside = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean consuming;
  private volatile Connection connection; // the thread's; read by close to break a stuck wait

  private OutboxConsumer(OutboxConfig config, Hub hub) {
    this.config = config;
    this.schema = new OutboxSchema(config.table());
    this.hub = hub;
    this.thread = new Thread(this::run, "herald-outbox");
    this.thread.setDaemon(true);
  }

  /**
   * Starts consuming into {@code hub} on a thread of its own. Returns at once: the connection is
   * made (and retried, with backoff, while PostgreSQL is unreachable) on that thread.
   */
  public static OutboxConsumer start(OutboxConfig config, Hub hub) {
    OutboxConsumer consumer = new OutboxConsumer(config, hub);
    consumer.thread.start();
    return consumer;
  }

  public OutboxConfig config() {
    return config;
  }

  /** Whether this node holds the lock and consumes now. Any thread. */
  public boolean consuming() {
    return consuming;
  }

  /** Rows the hub acknowledged (stored, or already had by id) and that were deleted. */
  public long publishedRows() {
    return published.get();
  }

  /** Rows set aside with a reason, never published. */
  public long setAsideRows() {
    return setAside.get();
  }

  /** Rounds that failed (PostgreSQL unreachable, the hub refusing), each retried after a pause. */
  public long failedRounds() {
    return failures.get();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("herald.outbox.rows.published", this, OutboxConsumer::publishedRows)
        .description("Outbox rows the hub stored as events and that were deleted")
        .register(registry);
    FunctionCounter.builder("herald.outbox.rows.set.aside", this, OutboxConsumer::setAsideRows)
        .description("Outbox rows set aside with a reason in their failure column")
        .register(registry);
    FunctionCounter.builder("herald.outbox.failures", this, OutboxConsumer::failedRounds)
        .description("Outbox rounds that failed and were retried (PostgreSQL or the hub down)")
        .register(registry);
    Gauge.builder("herald.outbox.consuming", this, c -> c.consuming() ? 1 : 0)
        .description("1 while this node holds the outbox lock and consumes, else 0")
        .strongReference(true)
        .register(registry);
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    while (stopping.getCount() > 0) {
      try {
        if (connection == null) {
          connect();
        }
        if (!consuming && !becomeConsumer()) {
          pause(config.pollInterval());
          continue;
        }
        int read = consumeOnce();
        backoff = MIN_BACKOFF;
        if (read < config.batchSize()) {
          awaitNotification();
        }
      } catch (SQLException e) {
        failures.incrementAndGet();
        troubles.warn(
            "outbox {}: {}; retrying in up to {} ms (rows wait in the table)",
            config.describe(),
            oneLine(e),
            backoff.toMillis());
        disconnect();
        pause(jittered(backoff));
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      } catch (PublishFailed e) {
        failures.incrementAndGet();
        troubles.warn(
            "outbox {}: the hub did not store a row: {}; retrying in up to {} ms",
            config.table(),
            e.getMessage(),
            backoff.toMillis());
        pause(jittered(backoff));
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        log.error("outbox {}: unexpected failure; reconnecting", config.table(), e);
        disconnect();
        pause(jittered(MAX_BACKOFF));
      }
    }
    disconnect();
  }

  private void connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", config.user());
    if (config.password() != null) {
      properties.setProperty("password", config.password());
    }
    properties.setProperty("ApplicationName", "herald-outbox");
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("tcpKeepAlive", "true");
    Connection opened = DriverManager.getConnection(config.jdbcUrl(), properties);
    try {
      opened.setAutoCommit(true);
      schema.createIfMissing(opened);
    } catch (SQLException | RuntimeException e) {
      opened.close();
      throw e;
    }
    connection = opened;
  }

  /** Takes the table's consumer lock if no other session holds it. */
  private boolean becomeConsumer() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(schema.tryConsumerLock())) {
      if (!row.next() || !row.getBoolean(1)) {
        return false;
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("LISTEN \"" + schema.channel() + "\"");
    }
    consuming = true;
    log.info("outbox {}: this node consumes it now", config.describe());
    return true;
  }

  /** One row read from the table: its id and its update, or why it cannot be one. */
  private record Row(long id, Update update, String failure) {}

  /**
   * Reads up to a batch of pending rows, sets the bad ones aside, publishes the others in id order,
   * waits for the hub, and deletes the rows it acknowledged.
   *
   * @return how many rows were read
   */
  private int consumeOnce() throws SQLException, PublishFailed {
    List<Row> rows = readPending();
    if (rows.isEmpty()) {
      return 0;
    }
    List<Row> bad = new ArrayList<>();
    List<Row> good = new ArrayList<>(rows.size());
    for (Row row : rows) {
      (row.failure() == null ? good : bad).add(row);
    }
    if (!bad.isEmpty()) {
      setAside(bad);
    }
    List<CompletableFuture<Event>> answers = new ArrayList<>(good.size());
    for (Row row : good) {
      CompletableFuture<Event> answer = hub.publish(row.update());
      answers.add(answer);
      if (answer.isCompletedExceptionally()) {
        break; // refused at once (the hub full or closing): the rest after it, in order, later
      }
    }
    try {
      CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]))
          .get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Each answer is looked at below; one that failed or is late leaves its row.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long[] stored = new long[answers.size()];
    int count = 0;
    String refused = null;
    List<Row> rejected = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      CompletableFuture<Event> answer = answers.get(i);
      if (answer.isDone() && !answer.isCompletedExceptionally()) {
        stored[count++] = good.get(i).id();
        continue;
      }
      Throwable failure = failureOf(answer);
      if (failure instanceof HubException e && e.kind() == HubException.Kind.BAD_REQUEST) {
        rejected.add(new Row(good.get(i).id(), null, e.getMessage()));
      } else if (refused == null) {
        refused =
            failure == null ? "no answer within " + config.publishTimeout() : failure.getMessage();
      }
    }
    if (!rejected.isEmpty()) {
      setAside(rejected);
    }
    if (count > 0) {
      delete(Arrays.copyOf(stored, count));
      published.addAndGet(count);
    }
    if (refused == null && answers.size() < good.size()) {
      refused = "the hub refused a publish at once";
    }
    if (refused != null) {
      throw new PublishFailed(refused);
    }
    return rows.size();
  }

  private List<Row> readPending() throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(schema.selectPending())) {
      select.setInt(1, config.batchSize());
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(toRow(result));
        }
      }
    }
    return rows;
  }

  private Row toRow(ResultSet result) throws SQLException {
    long id = result.getLong(1);
    Array topicsArray = result.getArray(2);
    String data = result.getString(3);
    String type = result.getString(4);
    long retryValue = result.getLong(5);
    Long retry = result.wasNull() ? null : retryValue;
    boolean isPrivate = result.getBoolean(6);
    String eventId = result.getString(7);
    Object[] topics = topicsArray == null ? new Object[0] : (Object[]) topicsArray.getArray();
    List<String> topicList = new ArrayList<>(topics.length);
    for (Object topic : topics) {
      if (topic == null) {
        return new Row(id, null, "topics: holds a NULL (expected: non-empty IRIs)");
      }
      topicList.add((String) topic);
    }
    if (data != null && tooLarge(data)) {
      return new Row(
          id,
          null,
          "data: over " + config.maxDataBytes() + " bytes (expected: at most the hub's max body)");
    }
    if (eventId == null) {
      return new Row(id, null, "event_id: NULL (expected: the insert trigger to fill it)");
    }
    try {
      return new Row(id, new Update(topicList, data, isPrivate, eventId, type, retry), null);
    } catch (HubException e) {
      return new Row(id, null, e.getMessage());
    }
  }

  private boolean tooLarge(String data) {
    // UTF-8 takes 1 to 3 bytes per char: encode only when the bounds cannot tell.
    if (data.length() <= config.maxDataBytes() / 3) {
      return false;
    }
    return data.length() > config.maxDataBytes()
        || data.getBytes(StandardCharsets.UTF_8).length > config.maxDataBytes();
  }

  private void setAside(List<Row> rows) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(schema.setAside())) {
      for (Row row : rows) {
        update.setString(1, row.failure());
        update.setLong(2, row.id());
        update.addBatch();
      }
      update.executeBatch();
    }
    setAside.addAndGet(rows.size());
    troubles.warn(
        "outbox {}: {} rows set aside, e.g. id {}: {}",
        config.table(),
        rows.size(),
        rows.get(0).id(),
        rows.get(0).failure());
  }

  private void delete(long[] ids) throws SQLException {
    Long[] boxed = new Long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      boxed[i] = ids[i];
    }
    try (PreparedStatement delete = connection.prepareStatement(schema.deleteStored())) {
      delete.setArray(1, connection.createArrayOf("bigint", boxed));
      delete.executeUpdate();
    }
  }

  /** Waits for the insert trigger's notification, or the poll interval. */
  private void awaitNotification() throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    pg.getNotifications((int) Math.max(1, config.pollInterval().toMillis()));
  }

  private void disconnect() {
    Connection open = connection;
    connection = null;
    if (consuming) {
      consuming = false;
      log.info("outbox {}: this node no longer consumes it", config.table());
    }
    if (open != null) {
      try {
        open.close(); // ends the session: PostgreSQL releases the lock
      } catch (SQLException e) {
        // already broken: nothing left to release
      }
    }
  }

  private void pause(Duration duration) {
    try {
      stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.countDown();
    }
  }

  private static Duration jittered(Duration backoff) {
    return Duration.ofMillis(
        ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2, backoff.toMillis() + 1));
  }

  private static Throwable failureOf(CompletableFuture<Event> answer) {
    if (!answer.isDone()) {
      return null;
    }
    try {
      answer.join();
      return null;
    } catch (RuntimeException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }

  private static String oneLine(Throwable failure) {
    String message = failure.getMessage();
    return message == null
        ? failure.getClass().getSimpleName()
        : message.replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * Stops consuming: the round in flight finishes (its acknowledged rows are deleted), then the
   * connection closes and the lock with it. Call before closing the hub. Idempotent.
   */
  @Override
  public void close() {
    stopping.countDown();
    try {
      thread.join(config.pollInterval().toMillis() + config.publishTimeout().toMillis() + 2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Connection stuck = connection;
    if (thread.isAlive() && stuck != null) {
      try {
        stuck.abort(Runnable::run); // a read blocked on a dead network: end it
      } catch (SQLException e) {
        // nothing more to do
      }
    }
  }

  /** The hub did not store a row of the round; the rows from there on are read again later. */
  private static final class PublishFailed extends Exception {
    PublishFailed(String message) {
      super(message, null, false, false);
    }
  }
}
