package dev.herald.outbox;

import dev.herald.core.EventIds;
import dev.herald.core.Update;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Writes one outbox row on the caller's connection, inside whatever transaction it is in: the
 * update reaches subscribers if, and only if, that transaction commits. For applications on plain
 * JDBC (the Spring starter's {@code HeraldTemplate.publishInTransaction} uses it on the
 * transaction's connection). Stateless; on the caller's thread.
 */
public final class OutboxInsert {

  private OutboxInsert() {}

  /** The INSERT statement for {@code table} (validated as {@link OutboxConfig} does). */
  public static String sql(String table) {
    return "INSERT INTO "
        + OutboxConfig.checkTable(table)
        + " (topics, data, type, retry, private, event_id) VALUES (?, ?, ?, ?, ?, ?)";
  }

  /**
   * Inserts {@code update} into {@code table}; an update without an id gets a fresh {@code
   * urn:uuid:} one here, so the caller knows the id its subscribers will see.
   *
   * @return the update's event id
   * @throws SQLException as the connection reports it (the transaction then rolls back)
   */
  public static String insert(Connection connection, String table, Update update)
      throws SQLException {
    String id = update.id() != null ? update.id() : EventIds.next();
    try (PreparedStatement insert = connection.prepareStatement(sql(table))) {
      insert.setArray(1, connection.createArrayOf("text", update.topics().toArray()));
      insert.setString(2, update.data());
      insert.setString(3, update.type());
      if (update.retry() == null) {
        insert.setNull(4, Types.BIGINT);
      } else {
        insert.setLong(4, update.retry());
      }
      insert.setBoolean(5, update.isPrivate());
      insert.setString(6, id);
      insert.executeUpdate();
    }
    return id;
  }
}
