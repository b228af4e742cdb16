package dev.herald.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.Update;
import dev.herald.core.dispatch.PlainSubscriptions;
import dev.herald.core.dispatch.Subscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Idempotent publishing, written once and run by a hub over every history (memory, SQLite, Redis):
 * a publish whose id the history still retains is answered with the stored event and stores
 * nothing; once that event is pruned, the id is free again. Runs on the JUnit thread; the replay
 * probe drains its subscriber there.
 */
public abstract class IdempotentPublishContract {

  /** A fresh hub over an empty history that retains at least 1,000 events. */
  protected abstract Hub newHub() throws Exception;

  /**
   * A fresh hub over an empty history retaining only the newest {@code events} once {@link
   * #pruneNow} ran, or null if the history cannot be made to.
   */
  protected Hub newHubRetaining(int events) throws Exception {
    return null;
  }

  /** Drops what the hub of {@link #newHubRetaining} no longer retains, if its history waits to. */
  protected void pruneNow(Hub hub) {}

  private final List<Hub> opened = new ArrayList<>();

  @AfterEach
  void closeHubs() {
    opened.forEach(Hub::close);
  }

  private Hub open(Hub hub) {
    opened.add(hub);
    return hub;
  }

  private static Event publish(Hub hub, String id, String data) throws Exception {
    return hub.publish(Update.of("https://example.com/t", data).withId(id)).get(10, SECONDS);
  }

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;

  /**
   * The ids a subscriber replaying from {@code earliest} receives, up to and including a fresh
   * event published last, so that "nothing more" is checked by an event, not by waiting.
   */
  private static List<String> replayedIds(Hub hub) throws Exception {
    publish(hub, "end", "end");
    Subscriber subscriber =
        hub.newSubscriber(List.of("*"), List.of(), null, PlainSubscriptions.FORMAT, () -> {});
    hub.subscribe(subscriber, "earliest").get(10, SECONDS);
    List<String> ids = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              subscriber.drainTo(event -> ids.add(event.id()), 256);
              return ids.contains("end");
            });
    hub.unsubscribe(subscriber);
    return ids.subList(0, ids.size() - 1);
  }

  @Test
  void aRepublishedIdIsAnsweredWithTheStoredEventAndStoresNothing() throws Exception {
    Hub hub = open(newHub());
    Event first = publish(hub, "urn:x:1", "first");
    Event retried = publish(hub, "urn:x:1", "retried");
    Event next = publish(hub, "urn:x:2", "next");
    assertThat(retried.id()).isEqualTo("urn:x:1");
    assertThat(retried.sequence()).isEqualTo(first.sequence());
    assertThat(next.sequence()).as("nothing was stored in between").isEqualTo(first.sequence() + 1);
    assertThat(replayedIds(hub)).containsExactly("urn:x:1", "urn:x:2");
  }

  @Test
  void publishesOfOneIdQueuedTogetherStoreItOnce() throws Exception {
    Hub hub = open(newHub());
    List<CompletableFuture<Event>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // Not awaited one by one: they meet in the dispatcher's batches, the retry beside the first.
      answers.add(
          hub.publish(Update.of("https://example.com/t", "d" + i).withId("same-" + (i % 5))));
    }
    List<Event> events = new ArrayList<>();
    for (CompletableFuture<Event> answer : answers) {
      events.add(answer.get(10, SECONDS));
    }
    for (int i = 5; i < 50; i++) {
      assertThat(events.get(i).sequence()).isEqualTo(events.get(i % 5).sequence());
    }
    assertThat(replayedIds(hub)).containsExactly("same-0", "same-1", "same-2", "same-3", "same-4");
  }

  @Test
  void anIdIsFreeAgainOnceItsEventIsPruned() throws Exception {
    Hub hub = newHubRetaining(2);
    Assumptions.assumeTrue(hub != null, "this history cannot be made to retain 2 events");
    open(hub);
    Event a = publish(hub, "a", "a");
    publish(hub, "b", "b");
    publish(hub, "c", "c");
    pruneNow(hub);
    Event again = publish(hub, "a", "a again");
    assertThat(again.sequence()).as("the window is the retained history").isEqualTo(4);
    assertThat(a.sequence()).isEqualTo(1);
  }
}
