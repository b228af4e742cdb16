package dev.herald.spring;

import dev.herald.client.Publication;
import dev.herald.core.Update;
import dev.herald.outbox.OutboxConfig;
import dev.herald.outbox.OutboxInsert;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Writes outbox rows on the connection of the current Spring transaction ({@link DataSourceUtils}
 * hands out the one the transaction manager bound to this thread), so the row commits or rolls back
 * with the application's own changes. The only class of the starter that touches spring-jdbc, which
 * is optional. Immutable; on the caller's thread.
 */
final class TransactionalOutbox implements HeraldTemplate.Outbox {

  private final DataSource dataSource;
  private final String table;

  TransactionalOutbox(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = OutboxConfig.checkTable(table);
  }

  /**
   * Writes through the application's one {@code DataSource}, looked up at the first write (so the
   * template does not pull the database into start-up order); without one, says what is missing.
   */
  static HeraldTemplate.Outbox lazy(ObjectProvider<DataSource> dataSources, String table) {
    OutboxConfig.checkTable(table);
    return publication -> {
      DataSource dataSource = dataSources.getIfUnique();
      if (dataSource == null) {
        return HeraldTemplate.NO_OUTBOX.write(publication);
      }
      return new TransactionalOutbox(dataSource, table).write(publication);
    };
  }

  @Override
  public String write(Publication p) {
    Update update = new Update(p.topics(), p.data(), p.isPrivate(), p.id(), p.type(), p.retry());
    Connection connection = DataSourceUtils.getConnection(dataSource);
    try {
      return OutboxInsert.insert(connection, table, update);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "herald: outbox row not written to " + table + ": " + e.getMessage(), e);
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }
}
