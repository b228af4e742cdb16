package dev.herald.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.history.MemoryHistory;
import dev.herald.core.history.MemoryHistoryView;
import dev.herald.core.topic.TopicSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the hub promises its delivery loops: each committed batch reaches a loop in one hand-off
 * whatever the number of its subscribers, publish answers complete on the publisher's loop, a loop
 * that falls too far behind ends its own streams instead of holding every batch, and a failure
 * while fanning out ends the streams that may have missed events while every stored publish is
 * still answered as stored.
 *
 * <p>Threading: the JUnit thread publishes and checks; subscribers are drained on their loops.
 */
class DeliveryLoopsTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private <T extends AutoCloseable> T closing(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  /** A loop that counts the tasks handed to it from other threads: its cross-thread wake-ups. */
  private static final class CountingLoop implements DeliveryLoop {
    final DeliveryLoop loop;
    final AtomicInteger fromOutside = new AtomicInteger();

    CountingLoop(DeliveryLoop loop) {
      this.loop = loop;
    }

    @Override
    public void execute(Runnable task) {
      if (!loop.inLoop()) {
        fromOutside.incrementAndGet();
      }
      loop.execute(task);
    }

    @Override
    public boolean inLoop() {
      return loop.inLoop();
    }
  }

  /** A subscriber drained on its own loop into a list, as a stream on a connection would be. */
  private static final class Client {
    final List<String> received = new CopyOnWriteArrayList<>();
    final Subscriber subscriber;

    Client(Hub hub, DeliveryLoop loop, String topic, Runnable onWake) {
      Subscriber[] self = new Subscriber[1];
      subscriber =
          hub.newSubscriberOf(
              List.of(TopicSelector.of(topic)),
              List.of(),
              Collections.singletonList(null),
              PlainSubscriptions.FORMAT,
              loop,
              () -> {
                onWake.run();
                loop.execute(() -> drain(self[0]));
              });
      self[0] = subscriber;
    }

    Client(Hub hub, DeliveryLoop loop, String topic) {
      this(hub, loop, topic, () -> {});
    }

    void drain(Subscriber s) {
      while (s.drainTo(e -> received.add(e.update().data()), 16) > 0) {
        // keep draining
      }
      if (s.mustReconnect()) {
        return; // a stream the hub ended: its owner closes it, as SseStream does, not drain again
      }
      s.idle();
    }

    Client subscribe(Hub hub, String lastEventId) throws Exception {
      hub.subscribe(subscriber, lastEventId).get(5, TimeUnit.SECONDS);
      return this;
    }
  }

  @Test
  void eachLoopIsWokenOncePerBatchHoweverManySubscribersItHas() throws Exception {
    Hub hub = closing(new Hub(HubConfig.DEFAULTS));
    TestLoops loops = closing(new TestLoops(3));
    List<CountingLoop> counting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      counting.add(new CountingLoop(loops.get(i)));
    }
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      clients.add(new Client(hub, counting.get(i % 3), "t").subscribe(hub, null));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> hub.subscriberCount() == 60);
    // Let the registrations' own tasks settle before counting.
    for (CountingLoop loop : counting) {
      CompletableFuture<Void> idle = new CompletableFuture<>();
      loop.loop.execute(() -> idle.complete(null));
      idle.get(5, TimeUnit.SECONDS);
      loop.fromOutside.set(0);
    }

    int publishes = 10;
    for (int i = 0; i < publishes; i++) {
      hub.publish(Update.of("t", Integer.toString(i))).get(5, TimeUnit.SECONDS);
      int sent = i + 1;
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> clients.stream().allMatch(c -> c.received.size() == sent));
    }

    // One hand-off per loop per batch; the 20 subscribers of a loop are woken on the loop itself.
    for (CountingLoop loop : counting) {
      assertThat(loop.fromOutside.get()).isEqualTo(publishes);
    }
    for (Client client : clients) {
      assertThat(client.received).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }
  }

  @Test
  void aPublishIsAnsweredOnItsPublishersLoop() throws Exception {
    CountDownLatch appendMayGo = new CountDownLatch(1);
    // A history that may block: batches are committed on the dispatcher thread, then answered.
    Hub hub =
        closing(
            new Hub(
                HubConfig.DEFAULTS,
                new MemoryHistoryView(new MemoryHistory(100), Runnable::run) {
                  @Override
                  public void append(List<Event> events) {
                    try {
                      appendMayGo.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    super.append(events);
                  }
                }));
    TestLoops loops = closing(new TestLoops(2));
    DeliveryLoop publisherLoop = loops.get(1);
    List<Boolean> answeredOnLoop = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Event>> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Event> answer = hub.publish(Update.of("t", "x" + i), publisherLoop);
      answer.whenComplete((event, failure) -> answeredOnLoop.add(publisherLoop.inLoop()));
      answers.add(answer);
    }
    appendMayGo.countDown();
    // Not get() first: a thread waiting in get() may run a future's callbacks itself.
    await().atMost(Duration.ofSeconds(5)).until(() -> answeredOnLoop.size() == 3);
    assertThat(answeredOnLoop).containsExactly(true, true, true);
    for (CompletableFuture<Event> answer : answers) {
      assertThat(answer.join().update().data()).startsWith("x");
    }
  }

  @Test
  void aLoopThatFallsTooFarBehindEndsItsStreamsWhileTheOthersGoOn() throws Exception {
    int maxBehind = 64; // the dispatch queue's capacity bounds how far a loop may fall behind
    Hub hub = closing(new Hub(new HubConfig(1_000, 4_096, maxBehind, 1_000, false)));
    TestLoops loops = closing(new TestLoops(2));
    Client stalledClient = new Client(hub, loops.get(0), "t").subscribe(hub, null);
    Client healthyClient = new Client(hub, loops.get(1), "t").subscribe(hub, null);
    CountDownLatch release = new CountDownLatch(1);
    loops
        .get(0)
        .execute(
            () -> {
              try {
                release.await(10, TimeUnit.SECONDS); // a loop stuck in someone's blocking call
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    int published = maxBehind * 3;
    for (int i = 0; i < published; i++) {
      hub.publish(Update.of("t", Integer.toString(i))).get(5, TimeUnit.SECONDS);
      int sent = i + 1;
      // In step with the healthy loop, so only the stuck one falls behind.
      await()
          .pollInterval(Duration.ofMillis(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> healthyClient.received.size() == sent);
    }
    assertThat(healthyClient.subscriber.mustReconnect()).isFalse();
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(stalledClient.subscriber::mustReconnect);
    // What the stalled stream got is a gap-free prefix: its client resumes from there.
    List<String> prefix = new ArrayList<>();
    for (int i = 0; i < stalledClient.received.size(); i++) {
      prefix.add(Integer.toString(i));
    }
    assertThat(stalledClient.received).containsExactlyElementsOf(prefix);
    assertThat(stalledClient.received.size()).isLessThan(published);

    // The loop serves again: a stream opened on it after the cut gets later events.
    Client next = new Client(hub, loops.get(0), "t").subscribe(hub, null);
    hub.publish(Update.of("t", "after")).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> next.received.contains("after"));
  }

  @Test
  void aFanOutFailureAnswersEveryPublishAsStoredAndEndsTheStreamsThatMayHaveMissedIt()
      throws Exception {
    Hub hub = closing(new Hub(HubConfig.DEFAULTS));
    TestLoops loops = closing(new TestLoops(1));
    DeliveryLoop loop = loops.get(0);
    AtomicInteger wakes = new AtomicInteger();
    Client faulty =
        new Client(
                hub,
                loop,
                "t",
                () -> {
                  if (wakes.incrementAndGet() == 1) {
                    throw new IllegalStateException(
                        "injected: a stream callback fails during fan-out");
                  }
                })
            .subscribe(hub, null);
    Client healthy = new Client(hub, loop, "t").subscribe(hub, null);

    List<Event> stored = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      stored.add(hub.publish(Update.of("t", Integer.toString(i))).get(5, TimeUnit.SECONDS));
    }
    assertThat(stored).extracting(Event::sequence).containsExactly(1L, 2L, 3L);

    // The failure hit the first event on the first subscriber: the healthy one may have missed
    // it, so its stream ends and its client resumes from history.
    await().atMost(Duration.ofSeconds(5)).until(healthy.subscriber::mustReconnect);
    assertThat(faulty.subscriber.mustReconnect()).isTrue();
    Client resumed = new Client(hub, loop, "t").subscribe(hub, "earliest");
    hub.publish(Update.of("t", "live")).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> resumed.received.size() == 4);
    assertThat(resumed.received).containsExactly("0", "1", "2", "live");
  }

  @Test
  void theSubscriptionsOfEveryLoopAreListed() throws Exception {
    Hub hub = closing(new Hub(HubConfig.DEFAULTS.withSubscriptionEvents(true)));
    TestLoops loops = closing(new TestLoops(3));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(new Client(hub, loops.get(i), "t" + i).subscribe(hub, null).subscriber.id());
    }
    Event last = hub.publish(Update.of("x", "marker")).get(5, TimeUnit.SECONDS);

    SubscriptionsSnapshot snapshot = hub.subscriptions().get(5, TimeUnit.SECONDS);

    assertThat(snapshot.subscriptions())
        .extracting(ActiveSubscription::subscriber)
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(snapshot.lastEventId()).isEqualTo(last.id());
    assertThat(hub.subscriberCount()).isEqualTo(6);
  }
}
