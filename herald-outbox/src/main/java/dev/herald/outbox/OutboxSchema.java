package dev.herald.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The outbox table, its ordering trigger and its wake-up trigger, and the statements the consumer
 * runs on them. Stateless; the SQL is built once per table name, which {@link OutboxConfig} has
 * validated as plain identifiers.
 *
 * <p><b>Why a lock at insert.</b> A row's {@code id} comes from a sequence, but becomes visible
 * when its transaction commits, so ids appear out of order. The consumer never skips one because it
 * never keeps a position: it reads every pending row and deletes those the hub stored. What a
 * position cannot give, order, comes from the trigger: before a row is inserted it takes a
 * transaction-scoped advisory lock on the row's canonical topic, and only then draws the id. A
 * second transaction writing the same topic waits at its insert until the first ends, so within a
 * topic ids are drawn in commit order, and the consumer's {@code ORDER BY id} is commit order.
 *
 * <p>Any thread; the statements run on the caller's connection.
 */
final class OutboxSchema {

  private final String table;
  private final String bareName;

  OutboxSchema(String table) {
    this.table = table;
    this.bareName = table.substring(table.indexOf('.') + 1);
  }

  String table() {
    return table;
  }

  /** The channel the insert trigger notifies and the consumer listens on. */
  String channel() {
    return table;
  }

  /**
   * The two keys of the session advisory lock the consumer holds: one consumer per table. The topic
   * locks of the trigger use another first key, so the two never collide.
   */
  String tryConsumerLock() {
    return "SELECT pg_try_advisory_lock(hashtext('herald-outbox:" + table + "'), 0)";
  }

  String selectPending() {
    return "SELECT id, topics, data, type, retry, private, event_id FROM "
        + table
        + " WHERE failure IS NULL ORDER BY id LIMIT ?";
  }

  String deleteStored() {
    return "DELETE FROM " + table + " WHERE id = ANY (?)";
  }

  String setAside() {
    return "UPDATE " + table + " SET failure = ? WHERE id = ?";
  }

  /** The table and its triggers, created if missing, in one transaction. */
  String[] create() {
    String sequence = table + "_id_seq";
    String order = table + "_order";
    String notify = table + "_notify";
    return new String[] {
      // Two hubs starting together must not both create: the loser waits, then finds it all.
      "SELECT pg_advisory_xact_lock(hashtext('herald-outbox-ddl:" + table + "'), 0)",
      "CREATE SEQUENCE IF NOT EXISTS " + sequence,
      "CREATE TABLE IF NOT EXISTS "
          + table
          + " (\n"
          + "  id         bigint PRIMARY KEY,\n"
          + "  topics     text[] NOT NULL,\n"
          + "  data       text NOT NULL DEFAULT '',\n"
          + "  type       text,\n"
          + "  retry      bigint,\n"
          + "  private    boolean NOT NULL DEFAULT false,\n"
          + "  event_id   text,\n"
          + "  created_at timestamptz NOT NULL DEFAULT now(),\n"
          + "  failure    text\n"
          + ")",
      "CREATE INDEX IF NOT EXISTS "
          + bareName
          + "_pending ON "
          + table
          + " (id) WHERE failure IS NULL",
      "CREATE OR REPLACE FUNCTION "
          + order
          + "() RETURNS trigger LANGUAGE plpgsql AS $$\n"
          + "BEGIN\n"
          // Held until the transaction ends: the next writer of this topic draws its id after.
          + "  PERFORM pg_advisory_xact_lock(hashtext('herald-outbox-topic:"
          + table
          + "'), hashtext(NEW.topics[1]));\n"
          + "  NEW.id := nextval('"
          + sequence
          + "');\n"
          + "  IF NEW.event_id IS NULL THEN\n"
          + "    NEW.event_id := 'urn:uuid:' || gen_random_uuid();\n"
          + "  END IF;\n"
          + "  RETURN NEW;\n"
          + "END $$",
      "CREATE OR REPLACE FUNCTION "
          + notify
          + "() RETURNS trigger LANGUAGE plpgsql AS $$\n"
          + "BEGIN\n"
          + "  PERFORM pg_notify('"
          + channel()
          + "', '');\n"
          + "  RETURN NULL;\n"
          + "END $$",
      "CREATE OR REPLACE TRIGGER "
          + bareName
          + "_order BEFORE INSERT ON "
          + table
          + " FOR EACH ROW EXECUTE FUNCTION "
          + order
          + "()",
      // Once per statement, delivered at commit (never for a rollback): one wake-up per batch.
      "CREATE OR REPLACE TRIGGER "
          + bareName
          + "_notify AFTER INSERT ON "
          + table
          + " FOR EACH STATEMENT EXECUTE FUNCTION "
          + notify
          + "()",
    };
  }

  /**
   * Creates the table and its triggers unless the table exists, in one transaction (an existing
   * table is left alone: replacing a trigger would lock the applications' inserts out for a
   * moment); leaves the connection in autocommit.
   */
  void createIfMissing(Connection connection) throws SQLException {
    if (exists(connection)) {
      return;
    }
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      String[] ddl = create();
      statement.execute(ddl[0]); // the creation lock, then look again
      if (!exists(connection)) {
        for (int i = 1; i < ddl.length; i++) {
          statement.execute(ddl[i]);
        }
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private boolean exists(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass(?)")) {
      query.setString(1, table);
      try (ResultSet row = query.executeQuery()) {
        return row.next() && row.getString(1) != null;
      }
    }
  }
}
