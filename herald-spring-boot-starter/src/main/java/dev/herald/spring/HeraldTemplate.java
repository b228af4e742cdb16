package dev.herald.spring;

import dev.herald.client.Publication;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What application code publishes through, whichever hub the starter set up: the embedded one
 * (in-process) or a remote one ({@code herald.hub-url}). Thread-safe; {@link #publish} blocks until
 * the hub has accepted the update.
 *
 * <pre>{@code
 * @Transactional
 * public void rename(long id, String title) {
 *   books.rename(id, title);
 *   herald.publishAfterCommit(Publication.to("https://example.com/books/" + id).data(title).build());
 * }
 * }</pre>
 */
public final class HeraldTemplate {

  /** Where updates go: one method, one implementation per kind of hub. */
  @FunctionalInterface
  interface Target {
    /** Publishes and returns the update's id; throws the hub's error with its reason. */
    String publish(Publication publication);
  }

  private static final Logger log = LoggerFactory.getLogger(HeraldTemplate.class);

  private final Target target;

  HeraldTemplate(Target target) {
    this.target = target;
  }

  /** Publishes now and returns the update's id. */
  public String publish(Publication publication) {
    return target.publish(publication);
  }

  /**
   * Publishes once the surrounding transaction has committed, on the committing thread, so no
   * subscriber hears of a change that was rolled back; publishes at once when no transaction is
   * active. The future completes with the id; it is cancelled if the transaction rolls back, and
   * completes exceptionally if publishing fails (the commit itself stands).
   */
  public CompletableFuture<String> publishAfterCommit(Publication publication) {
    CompletableFuture<String> id = new CompletableFuture<>();
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      publishInto(id, publication);
      return id;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            publishInto(id, publication);
          }

          @Override
          public void afterCompletion(int status) {
            if (status != STATUS_COMMITTED) {
              id.cancel(false);
            }
          }
        });
    return id;
  }

  private void publishInto(CompletableFuture<String> id, Publication publication) {
    try {
      id.complete(target.publish(publication));
    } catch (RuntimeException e) {
      // The change is committed but nobody heard of it: say so even if no one reads the future.
      log.warn(
          "publish after commit to {} failed: {}", publication.topics().get(0), e.getMessage());
      id.completeExceptionally(e);
    }
  }
}
