package dev.herald.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The database layout and how each kind of connection is opened. Stateless; every method works on
 * the connection it is given, on the caller's thread.
 */
final class Schema {

  static final String DATABASE_FILE = "herald.db";

  /** Stored in {@code PRAGMA user_version}; a file with a newer layout is refused. */
  static final int VERSION = 1;

  /**
   * The events, keyed by their sequence (the rowid: range reads and prefix deletes walk the table
   * in order); the frame is not stored, it is encoded again from the update on read, which costs no
   * measurable replay speed and keeps the file 40% smaller. {@code state} holds what must survive
   * even when every event is pruned: the last sequence, so sequences continue after a restart, and
   * the retained payload bytes, so opening never sums the table.
   */
  private static final String[] CREATE = {
    """
    CREATE TABLE events (
      seq          INTEGER PRIMARY KEY,
      id           TEXT    NOT NULL,
      topics       TEXT    NOT NULL,
      data         TEXT    NOT NULL,
      private      INTEGER NOT NULL,
      type         TEXT,
      retry        INTEGER,
      published_at INTEGER NOT NULL,
      size         INTEGER NOT NULL
    )""",
    "CREATE INDEX events_by_id ON events (id)",
    """
    CREATE TABLE state (
      singleton      INTEGER PRIMARY KEY CHECK (singleton = 0),
      last_sequence  INTEGER NOT NULL,
      retained_bytes INTEGER NOT NULL
    )""",
    "INSERT INTO state (singleton, last_sequence, retained_bytes) VALUES (0, 0, 0)",
    "PRAGMA user_version = " + VERSION
  };

  /** A writer that waits on another connection longer than this has found a bug, not load. */
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  /** The write-ahead log is cut back to this size each time it restarts after a checkpoint. */
  private static final int WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

  private Schema() {}

  /**
   * A connection that writes: appends (the dispatcher's) or prunes. Transactions are begun
   * explicitly with {@link #inWriteTransaction}; the JDBC auto-commit switch is left on because
   * sqlite-jdbc's {@code commit()} begins the next transaction at once, which in IMMEDIATE mode
   * would hold SQLite's write lock between appends.
   */
  static Connection openWriter(Path database, Fsync fsync) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    // FULL fsyncs the WAL on each commit; NORMAL only at checkpoints, never corrupting the file.
    config.setSynchronous(
        fsync == Fsync.NEVER
            ? SQLiteConfig.SynchronousMode.NORMAL
            : SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.setJournalSizeLimit(WAL_SIZE_LIMIT_BYTES);
    return config.createConnection(url(database));
  }

  /** A connection for replay reads only. */
  static Connection openReader(Path database) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    Connection connection = config.createConnection(url(database));
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("PRAGMA query_only = true");
    } catch (SQLException e) {
      closeQuietly(connection, e);
      throw e;
    }
    return connection;
  }

  /**
   * Creates the tables in a new file, or checks the layout of an existing one. Incremental
   * auto-vacuum can only be chosen before the file is initialised, so before switching to WAL.
   */
  static void createOrCheck(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      int version = queryInt(statement, "PRAGMA user_version");
      if (version > VERSION) {
        throw new SQLException(
            "layout version " + version + " is from a newer Herald (expected: " + VERSION + ")");
      }
      if (version == 0) {
        statement.executeUpdate("PRAGMA auto_vacuum = INCREMENTAL");
      }
      String mode = queryString(statement, "PRAGMA journal_mode = WAL");
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new SQLException("journal_mode is " + mode + " (expected: wal)");
      }
      if (version == 0) {
        inWriteTransaction(
            connection,
            () -> {
              for (String ddl : CREATE) {
                statement.executeUpdate(ddl);
              }
            });
      }
    }
  }

  /** Work done inside a write transaction; may throw what JDBC throws. */
  @FunctionalInterface
  interface SqlWork {
    void run() throws SQLException;
  }

  /** BEGIN IMMEDIATE (the write lock now, not at the first write), work, COMMIT; or ROLLBACK. */
  static void inWriteTransaction(Connection connection, SqlWork work) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("BEGIN IMMEDIATE");
      try {
        work.run();
        statement.executeUpdate("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          statement.executeUpdate("ROLLBACK");
        } catch (SQLException rollback) {
          // SQLite may have rolled back already (e.g. on a full disk); the first error matters.
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  static long queryLong(Statement statement, String sql) throws SQLException {
    try (ResultSet row = statement.executeQuery(sql)) {
      return row.next() ? row.getLong(1) : 0;
    }
  }

  static int queryInt(Statement statement, String sql) throws SQLException {
    return (int) queryLong(statement, sql);
  }

  static String queryString(Statement statement, String sql) throws SQLException {
    try (ResultSet row = statement.executeQuery(sql)) {
      return row.next() ? row.getString(1) : null;
    }
  }

  static void closeQuietly(AutoCloseable resource, Throwable failure) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  private static String url(Path database) {
    return "jdbc:sqlite:" + database.toAbsolutePath();
  }
}
