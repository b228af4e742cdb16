package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.client.Publication;
import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.outbox.PostgresCluster;
import dev.herald.server.http.SubscriptionFormats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link HeraldTemplate#publishInTransaction} against a real PostgreSQL, with the embedded hub
 * consuming the outbox: the row joins the application's JDBC transaction, so a commit is delivered
 * and a rollback never is. Runs on the JUnit thread, which is the transaction's.
 */
class PublishInTransactionTest {

  @RegisterExtension static final PostgresCluster postgres = new PostgresCluster();

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
        .withBean(
            DataSource.class,
            () ->
                new SimpleDriverDataSource(
                    new org.postgresql.Driver(), postgres.jdbcUrl(), "postgres", ""))
        .withPropertyValues(
            "herald.embedded.enabled=true",
            "herald.embedded.listen=127.0.0.1:0",
            "herald.embedded.warm-up=0",
            "herald.embedded.outbox=" + postgres.uri(),
            "herald.embedded.outbox-table=spring_outbox");
  }

  @Test
  void aCommittedRowIsDeliveredAndARolledBackOneNever() {
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              HeraldTemplate herald = context.getBean(HeraldTemplate.class);
              Hub hub = context.getBean(EmbeddedHerald.class).hub();
              DataSource dataSource = context.getBean(DataSource.class);
              JdbcTemplate jdbc = new JdbcTemplate(dataSource);
              TransactionTemplate transactions =
                  new TransactionTemplate(new DataSourceTransactionManager(dataSource));
              jdbc.execute("CREATE TABLE IF NOT EXISTS books (id int PRIMARY KEY, title text)");
              // The hub creates the table when it connects.
              await()
                  .atMost(Duration.ofSeconds(20))
                  .until(() -> context.getBean(EmbeddedHerald.class).outbox().consuming());

              Subscriber subscriber =
                  hub.newSubscriber(
                      List.of("*"), List.of(), null, SubscriptionFormats.DRAFT_07, () -> {});
              hub.subscribe(subscriber, "earliest").get(10, TimeUnit.SECONDS);
              transactions.executeWithoutResult(
                  status -> {
                    jdbc.update("INSERT INTO books VALUES (1, 'rolled back')");
                    herald.publishInTransaction(Publication.of("books/1", "rolled back"));
                    status.setRollbackOnly();
                  });
              String id =
                  transactions.execute(
                      status -> {
                        jdbc.update("INSERT INTO books VALUES (1, 'committed')");
                        return herald.publishInTransaction(Publication.of("books/1", "committed"));
                      });
              assertThat(id).startsWith("urn:uuid:");

              List<Event> received = new ArrayList<>();
              await()
                  .atMost(Duration.ofSeconds(20))
                  .until(
                      () -> {
                        subscriber.drainTo(received::add, 16);
                        return !received.isEmpty();
                      });
              assertThat(received).extracting(Event::id).containsExactly(id);
              assertThat(received.get(0).update().data()).isEqualTo("committed");
              assertThat(jdbc.queryForObject("SELECT count(*) FROM spring_outbox", Long.class))
                  .as("the rolled back row never existed")
                  .isZero();
            });
  }

  @Test
  void withoutADataSourceItSaysWhatIsMissing() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
        .withPropertyValues(
            "herald.embedded.enabled=true",
            "herald.embedded.listen=127.0.0.1:0",
            "herald.embedded.warm-up=0")
        .run(
            context ->
                assertThatThrownBy(
                        () ->
                            context
                                .getBean(HeraldTemplate.class)
                                .publishInTransaction(Publication.of("books/1", "x")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs a DataSource bean"));
  }
}
