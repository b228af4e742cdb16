package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.client.Publication;
import dev.herald.core.Hub;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link HeraldTemplate#publishAfterCommit}: nothing is published while the transaction runs,
 * everything after it commits, nothing if it rolls back. Runs on the JUnit thread, which is the
 * transaction's.
 */
class PublishAfterCommitTest {

  /** A transaction manager with no resource: only Spring's synchronization machinery. */
  static final class NoResourceTransactions extends AbstractPlatformTransactionManager {
    @Override
    protected Object doGetTransaction() {
      return new Object();
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {}

    @Override
    protected void doCommit(DefaultTransactionStatus status) {}

    @Override
    protected void doRollback(DefaultTransactionStatus status) {}
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
          .withPropertyValues(
              "herald.embedded.enabled=true",
              "herald.embedded.listen=127.0.0.1:0",
              "herald.embedded.warm-up=0");

  private final TransactionTemplate transactions =
      new TransactionTemplate(new NoResourceTransactions());

  @Test
  void publishesOnlyOnceTheTransactionCommits() {
    runner.run(
        context -> {
          HeraldTemplate herald = context.getBean(HeraldTemplate.class);
          Hub hub = context.getBean(EmbeddedHerald.class).hub();
          CompletableFuture<String> id =
              transactions.execute(
                  status -> {
                    CompletableFuture<String> pending =
                        herald.publishAfterCommit(
                            Publication.to("books").data("x").id("urn:1").build());
                    assertThat(hub.publishedEvents())
                        .as("published inside the transaction")
                        .isZero();
                    assertThat(pending).isNotDone();
                    return pending;
                  });
          assertThat(id).isCompletedWithValue("urn:1");
          // The hub counts an event just after completing its publish: wait for the count.
          await().atMost(Duration.ofSeconds(5)).until(() -> hub.publishedEvents() == 1);
        });
  }

  @Test
  void publishesNothingWhenTheTransactionRollsBack() {
    runner.run(
        context -> {
          HeraldTemplate herald = context.getBean(HeraldTemplate.class);
          CompletableFuture<String> id =
              transactions.execute(
                  status -> {
                    CompletableFuture<String> pending =
                        herald.publishAfterCommit(Publication.of("books", "x"));
                    status.setRollbackOnly();
                    return pending;
                  });
          assertThat(id).isCancelled();
          // One publish afterwards: once it is counted, the count shows nothing came before it.
          Hub hub = context.getBean(EmbeddedHerald.class).hub();
          herald.publish(Publication.of("books", "after"));
          await().atMost(Duration.ofSeconds(5)).until(() -> hub.publishedEvents() >= 1);
          assertThat(hub.publishedEvents()).isEqualTo(1);
        });
  }

  @Test
  void publishesAtOnceWithoutATransaction() {
    runner.run(
        context -> {
          CompletableFuture<String> id =
              context
                  .getBean(HeraldTemplate.class)
                  .publishAfterCommit(Publication.to("books").data("x").id("urn:2").build());
          assertThat(id).isCompletedWithValue("urn:2");
          Hub hub = context.getBean(EmbeddedHerald.class).hub();
          await().atMost(Duration.ofSeconds(5)).until(() -> hub.publishedEvents() == 1);
        });
  }

  @Test
  void aFailedPublishAfterCommitCompletesTheFutureExceptionally() {
    runner.run(
        context -> {
          HeraldTemplate herald = context.getBean(HeraldTemplate.class);
          // "earliest" is reserved: the hub refuses the id once the transaction has committed.
          CompletableFuture<String> id =
              transactions.execute(
                  status ->
                      herald.publishAfterCommit(
                          Publication.to("books").data("x").id("earliest").build()));
          assertThat(id).isCompletedExceptionally();
        });
  }
}
