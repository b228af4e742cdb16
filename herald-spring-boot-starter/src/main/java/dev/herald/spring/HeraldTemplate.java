package dev.herald.spring;

import dev.herald.client.Publication;
import dev.herald.core.DiscoveryLink;
import java.net.URI;
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
 *
 * <p>When losing an update between the commit and the publish is not acceptable, {@link
 * #publishInTransaction} writes it into the hub's outbox table in the same transaction instead.
 */
public final class HeraldTemplate {

  /** Where updates go: one method, one implementation per kind of hub. */
  @FunctionalInterface
  interface Target {
    /** Publishes and returns the update's id; throws the hub's error with its reason. */
    String publish(Publication publication);
  }

  /** Where the hub is and how far it got: one implementation per kind of hub. */
  interface Position {
    /** The hub's URL as pages reach it. */
    URI hubUrl();

    /** The id of the last event the hub handed out, {@code earliest} while none. */
    String lastEventId();
  }

  /** Where {@link #publishInTransaction} writes: an outbox table, through the transaction. */
  @FunctionalInterface
  interface Outbox {
    /** Writes the row and returns the update's id; throws with the reason when it cannot. */
    String write(Publication publication);
  }

  static final Outbox NO_OUTBOX =
      publication -> {
        throw new IllegalStateException(
            "herald: publishInTransaction needs a DataSource bean and spring-jdbc (expected: the"
                + " application's PostgreSQL DataSource, where the hub's outbox table is)");
      };

  private static final Logger log = LoggerFactory.getLogger(HeraldTemplate.class);

  private static final Position NO_HUB =
      new Position() {
        @Override
        public URI hubUrl() {
          throw noHub();
        }

        @Override
        public String lastEventId() {
          throw noHub();
        }

        private static IllegalStateException noHub() {
          return new IllegalStateException(
              "herald: no hub configured (expected: herald.hub-url or"
                  + " herald.embedded.enabled=true)");
        }
      };

  private final Target target;
  private final Position position;
  private final Outbox outbox;

  HeraldTemplate(Target target) {
    this(target, NO_OUTBOX, NO_HUB);
  }

  HeraldTemplate(Target target, Outbox outbox) {
    this(target, outbox, NO_HUB);
  }

  HeraldTemplate(Target target, Outbox outbox, Position position) {
    this.target = target;
    this.outbox = outbox;
    this.position = position;
  }

  /**
   * The hub's position: the id of the last event it handed to subscribers ({@code earliest} while
   * none). The embedded hub answers from memory; a remote one with one request ({@code GET
   * /.well-known/mercure/last-event-id} with the publisher token).
   *
   * @throws dev.herald.client.HeraldClientException if a remote hub refused or was unreachable
   */
  public String lastEventId() {
    return position.lastEventId();
  }

  /**
   * The Mercure discovery {@code Link} value, {@code <hub>; rel="mercure"; last-event-id="…"}, for
   * a response carrying state a page will keep up to date. Take it <em>before</em> reading the
   * state: the page subscribes from that position (herald.js {@code lastEventIdFrom(response)}), so
   * every change made after it was read reaches the page; a change already in the state may arrive
   * too, with its id, for the page to skip.
   *
   * <pre>{@code
   * String link = herald.discoveryLink();            // first
   * Book book = books.find(id);                       // then the state
   * return ResponseEntity.ok().header(HttpHeaders.LINK, link).body(book);
   * }</pre>
   *
   * <p>The hub URL is {@code herald.hub-url}, or the embedded hub's {@link
   * EmbeddedHerald#hubUrl()}; use {@link #discoveryLink(URI)} when pages reach the hub at another
   * URL (a proxy).
   */
  public String discoveryLink() {
    return discoveryLink(position.hubUrl());
  }

  /** As {@link #discoveryLink()}, naming the hub by {@code publicHubUrl}. */
  public String discoveryLink(URI publicHubUrl) {
    return DiscoveryLink.of(publicHubUrl.toString(), position.lastEventId());
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

  /**
   * Writes the update as a row of the hub's PostgreSQL outbox, on the connection of the current
   * transaction: it reaches subscribers if and only if the transaction commits, even when the
   * application dies right after the commit (the hub consumes the table, exactly once). Without a
   * transaction the row is written at once. Needs the application's {@code DataSource} to be the
   * database whose outbox the hub consumes ({@code herald serve --outbox}, or {@code
   * herald.embedded.outbox}).
   *
   * @return the update's id, generated here when the publication has none
   * @throws IllegalStateException if the row cannot be written (the transaction should roll back)
   */
  public String publishInTransaction(Publication publication) {
    return outbox.write(publication);
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
