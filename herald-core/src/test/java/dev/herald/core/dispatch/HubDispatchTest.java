package dev.herald.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.topic.TopicSelector;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hub's dispatch contract, with no event loop (every subscriber on {@link
 * DeliveryLoop#CALLER}), one, and three: subscribers are spread over the loops round robin and
 * drained on their own loop, as a server's connections are.
 */
@ParameterizedClass
@ValueSource(ints = {0, 1, 3})
class HubDispatchTest {

  @Parameter int loopCount;
  private TestLoops loops;
  private int probes;

  @BeforeEach
  void startLoops() {
    loops = new TestLoops(loopCount);
  }

  // Room for all 8,000 events of the many-publishers test: on a loaded machine the probe's one
  // drain thread may fall behind the default 4,096 and be cut off as a slow consumer.
  private final Hub hub =
      new Hub(HubConfig.DEFAULTS.withHistorySize(10_000).withSubscriberQueueCapacity(16_384));
  private final ExecutorService owner = Executors.newSingleThreadExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    hub.close();
    loops.close();
    owner.shutdownNow();
    owner.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** A subscriber whose owner thread drains into a list, as a connection's event loop would. */
  private final class Probe {
    final List<String> received = new CopyOnWriteArrayList<>();
    final Subscriber subscriber;

    final Executor drainOn;

    Probe(List<String> topics, List<String> privateTopics) {
      Subscriber[] self = new Subscriber[1];
      DeliveryLoop loop = loops.get(probes++);
      drainOn = loop == DeliveryLoop.CALLER ? owner : loop;
      subscriber =
          hub.newSubscriberOf(
              selectors(topics),
              selectors(privateTopics),
              Collections.nCopies(topics.size(), null),
              PlainSubscriptions.FORMAT,
              loop,
              () -> drainOn.execute(() -> drain(self[0])));
      self[0] = subscriber;
    }

    private void drain(Subscriber s) {
      while (s.drainTo(e -> received.add(e.update().data()), 16) > 0) {
        // keep draining
      }
      if (s.mustReconnect()) {
        return; // a stream the hub ended: its owner closes it, as SseStream does, not drain again
      }
      s.idle();
    }

    String subscribe(String lastEventId) throws Exception {
      String header =
          hub.subscribe(subscriber, lastEventId).get(5, TimeUnit.SECONDS).responseLastEventId();
      drainOn.execute(() -> drain(subscriber));
      return header;
    }
  }

  private static List<TopicSelector> selectors(List<String> raw) {
    return raw.stream().map(TopicSelector::of).toList();
  }

  private Event publish(String topic, String data) throws Exception {
    return hub.publish(Update.of(topic, data)).get(5, TimeUnit.SECONDS);
  }

  @Test
  void deliversMatchingUpdatesOnlyOnceEachAcrossSelectors() throws Exception {
    Probe probe =
        new Probe(
            List.of("https://example.com/books/{id}", "https://example.com/books/1", "*"),
            List.of());
    probe.subscribe(null);
    publish("https://example.com/books/1", "one");
    publish("https://example.com/movies/1", "movie");
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.received.size() == 2);
    assertThat(probe.received).containsExactly("one", "movie");
  }

  @Test
  void anEventCarriesTheTimeItWasPublishedAndTheHistoryCountsIt() throws Exception {
    long before = System.nanoTime();
    Event event = publish("t", "timed");
    assertThat(event.publishedNanos()).isBetween(before, System.nanoTime());
    assertThat(hub.historySize()).isEqualTo(1);
  }

  @Test
  void alternateTopicsMatchToo() throws Exception {
    Probe probe = new Probe(List.of("https://example.com/alt"), List.of());
    probe.subscribe(null);
    hub.publish(
            new Update(
                List.of("https://example.com/canonical", "https://example.com/alt"),
                "x",
                false,
                null,
                null,
                null))
        .get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.received.size() == 1);
  }

  @Test
  void privateUpdatesReachOnlyAuthorizedSubscribers() throws Exception {
    Probe anonymous = new Probe(List.of("*"), List.of());
    Probe authorized = new Probe(List.of("*"), List.of("https://example.com/users/foo/{?topic}"));
    anonymous.subscribe(null);
    authorized.subscribe(null);
    hub.publish(
            new Update(
                List.of(
                    "https://example.com/books/1",
                    "https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1"),
                "secret",
                true,
                null,
                null,
                null))
        .get(5, TimeUnit.SECONDS);
    publish("https://example.com/books/2", "public");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> anonymous.received.size() == 1 && authorized.received.size() == 2);
    assertThat(anonymous.received).containsExactly("public");
    assertThat(authorized.received).containsExactly("secret", "public");
  }

  @Test
  void replaysAfterAKnownIdAndAnswersWithThatId() throws Exception {
    Event first = publish("t", "1");
    publish("t", "2");
    publish("other", "x");
    publish("t", "3");
    Probe probe = new Probe(List.of("t"), List.of());
    assertThat(probe.subscribe(first.id())).isEqualTo(first.id());
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.received.size() == 2);
    assertThat(probe.received).containsExactly("2", "3");
  }

  @Test
  void unknownIdReplaysEverythingRetainedAndSaysEarliest() throws Exception {
    publish("t", "1");
    publish("t", "2");
    Probe probe = new Probe(List.of("t"), List.of());
    assertThat(probe.subscribe("urn:uuid:not-known")).isEqualTo("earliest");
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.received.size() == 2);
    assertThat(probe.received).containsExactly("1", "2");
  }

  @Test
  void noLastEventIdMeansNoReplayAndNoHeader() throws Exception {
    publish("t", "old");
    Probe probe = new Probe(List.of("t"), List.of());
    assertThat(probe.subscribe(null)).isNull();
    publish("t", "new");
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.received.size() == 1);
    assertThat(probe.received).containsExactly("new");
  }

  @Test
  void replayThenLiveHasNoGapAndNoDuplicateUnderConcurrentPublishing() throws Exception {
    int total = 2_000;
    Thread publisher =
        new Thread(
            () -> {
              for (int i = 0; i < total; i++) {
                hub.publish(Update.of("t", Integer.toString(i))).join();
              }
            });
    publisher.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> hub.publishedEvents() >= 50);
    Probe probe = new Probe(List.of("t"), List.of());
    probe.subscribe("earliest");
    publisher.join();
    await().atMost(Duration.ofSeconds(10)).until(() -> probe.received.size() >= total);
    List<String> expected =
        java.util.stream.IntStream.range(0, total).mapToObj(Integer::toString).toList();
    assertThat(probe.received).containsExactlyElementsOf(expected);
  }

  /** A memory history whose reads run on another thread, as a disk store's do. */
  private static final class SlowReadHistory extends dev.herald.core.history.MemoryHistoryView {
    SlowReadHistory(int capacity, ExecutorService readers) {
      super(new dev.herald.core.history.MemoryHistory(capacity), readers);
    }
  }

  @Test
  void replayFromAStoreWithAsynchronousReadsStreamsInOrderThenGoesLive() throws Exception {
    ExecutorService readers = Executors.newSingleThreadExecutor();
    Hub asyncHub = new Hub(HubConfig.DEFAULTS, new SlowReadHistory(10_000, readers));
    try {
      for (int i = 0; i < 3_000; i++) {
        asyncHub.publish(Update.of(i % 3 == 0 ? "other" : "t", Integer.toString(i)));
      }
      asyncHub.publish(Update.of("t", "last-before")).get(5, TimeUnit.SECONDS);
      List<String> received = new CopyOnWriteArrayList<>();
      Subscriber[] self = new Subscriber[1];
      Runnable drain =
          () -> {
            while (self[0].drainTo(e -> received.add(e.update().data()), 16) > 0) {
              // keep draining
            }
            self[0].idle();
          };
      self[0] =
          asyncHub.newSubscriber(
              List.of("t"), List.of(), null, PlainSubscriptions.FORMAT, () -> owner.execute(drain));
      assertThat(
              asyncHub
                  .subscribe(self[0], "earliest")
                  .get(5, TimeUnit.SECONDS)
                  .responseLastEventId())
          .isEqualTo("earliest");
      owner.execute(drain);
      asyncHub.publish(Update.of("t", "live")).get(5, TimeUnit.SECONDS);
      List<String> expected = new java.util.ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        if (i % 3 != 0) {
          expected.add(Integer.toString(i));
        }
      }
      expected.add("last-before");
      expected.add("live");
      await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= expected.size());
      assertThat(received).containsExactlyElementsOf(expected);
    } finally {
      asyncHub.close();
      readers.shutdownNow();
    }
  }

  @Test
  void eventsPrunedBeforeTheirReplayStopTheStreamInsteadOfBeingSkipped() throws Exception {
    List<Runnable> pendingReads = new java.util.ArrayList<>();
    Hub small =
        new Hub(
            HubConfig.DEFAULTS,
            new dev.herald.core.history.MemoryHistoryView(
                new dev.herald.core.history.MemoryHistory(10), pendingReads::add));
    try {
      small.publish(Update.of("t", "1")).get(5, TimeUnit.SECONDS);
      String second = small.publish(Update.of("t", "2")).get(5, TimeUnit.SECONDS).id();
      small.publish(Update.of("t", "3")).get(5, TimeUnit.SECONDS);
      Subscriber resuming =
          small.newSubscriber(List.of("t"), List.of(), null, PlainSubscriptions.FORMAT, () -> {});
      assertThat(small.subscribe(resuming, second).get(5, TimeUnit.SECONDS).responseLastEventId())
          .isEqualTo(second);
      List<String> received = new java.util.ArrayList<>();
      assertThat(resuming.drainTo(e -> received.add(e.update().data()), 16)).isZero();
      for (int i = 0; i < 20; i++) { // event 3 falls out of the 10-event history before it is read
        small.publish(Update.of("t", "later")).get(5, TimeUnit.SECONDS);
      }
      pendingReads.forEach(Runnable::run);
      resuming.drainTo(e -> received.add(e.update().data()), 16);
      assertThat(received).isEmpty();
      assertThat(resuming.replayFailure()).hasMessageContaining("pruned");
    } finally {
      small.close();
    }
  }

  @Test
  void aSubscriberThatFallsBehindIsCutOffNotSilentlyFed() throws Exception {
    Hub small = new Hub(HubConfig.DEFAULTS.withSubscriberQueueCapacity(2));
    try {
      Subscriber stalled =
          small.newSubscriber(List.of("t"), List.of(), null, PlainSubscriptions.FORMAT, () -> {});
      small.subscribe(stalled, null).get(5, TimeUnit.SECONDS);
      // the bound is rounded up to a power of two, at least 32
      for (int i = 0; i < 64; i++) {
        small.publish(Update.of("t", "x")).get(5, TimeUnit.SECONDS);
      }
      assertThat(stalled.overflowed()).isTrue();
      assertThat(small.slowConsumerCuts()).isEqualTo(1);
    } finally {
      small.close();
    }
  }

  @Test
  void unsubscribeForgetsTheSubscriber() throws Exception {
    Probe probe = new Probe(List.of("t"), List.of());
    probe.subscribe(null);
    assertThat(hub.subscriberCount()).isEqualTo(1);
    hub.unsubscribe(probe.subscriber);
    await().atMost(Duration.ofSeconds(5)).until(() -> hub.subscriberCount() == 0);
  }

  @Test
  void tooManyTopicsAreRejected() {
    List<String> topics =
        java.util.stream.IntStream.range(0, 1_001).mapToObj(i -> "t" + i).toList();
    assertThatThrownBy(
            () -> hub.newSubscriber(topics, List.of(), null, PlainSubscriptions.FORMAT, () -> {}))
        .isInstanceOf(HubException.class)
        .hasMessage("topic: 1001 selectors (expected: at most 1000)");
  }

  @Test
  void publishingNeedsEveryTopicAllowed() {
    Update update =
        new Update(
            List.of("https://example.com/a", "https://example.com/b"), "", false, null, null, null);
    Hub.authorizePublish(List.of("https://example.com/{x}"), update);
    assertThatThrownBy(() -> Hub.authorizePublish(List.of("https://example.com/a"), update))
        .isInstanceOfSatisfying(
            HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.FORBIDDEN))
        .hasMessageContaining("https://example.com/b");
    assertThatThrownBy(() -> Hub.authorizePublish(List.of(), update))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("no mercure.publish claim");
  }

  @Test
  void aPublishOnAMemoryHubIsStoredAndFannedOutOnThePublishersOwnThread() throws Exception {
    List<String> wokenOn = new CopyOnWriteArrayList<>();
    Subscriber subscriber =
        hub.newSubscriber(
            List.of("t"),
            List.of(),
            null,
            PlainSubscriptions.FORMAT,
            () -> wokenOn.add(Thread.currentThread().getName()));
    hub.subscribe(subscriber, null).get(5, TimeUnit.SECONDS);
    ExecutorService publisher = Executors.newSingleThreadExecutor(r -> new Thread(r, "publisher"));
    try {
      // Nothing else is queued, so the publisher's thread runs the drain itself: the future is
      // already complete when publish returns, and the subscriber was woken from that thread.
      boolean doneOnReturn =
          publisher
              .submit(() -> hub.publish(Update.of("t", "x")).isDone())
              .get(5, TimeUnit.SECONDS);
      assertThat(doneOnReturn).isTrue();
      assertThat(wokenOn).containsExactly("publisher");
    } finally {
      publisher.shutdownNow();
    }
  }

  @Test
  void aHistoryThatMayBlockIsOnlyWrittenOnTheDispatcherThread() throws Exception {
    List<String> appendedOn = new CopyOnWriteArrayList<>();
    dev.herald.core.history.MemoryHistory memory = new dev.herald.core.history.MemoryHistory(100);
    Hub durableLike =
        new Hub(
            HubConfig.DEFAULTS,
            new dev.herald.core.history.MemoryHistoryView(memory, Runnable::run) {
              @Override
              public void append(List<Event> events) {
                appendedOn.add(Thread.currentThread().getName());
                super.append(events);
              }
            });
    try {
      for (int i = 0; i < 5; i++) {
        durableLike.publish(Update.of("t", Integer.toString(i))).get(5, TimeUnit.SECONDS);
      }
      assertThat(appendedOn).isNotEmpty().allMatch("herald-dispatcher"::equals);
    } finally {
      durableLike.close();
    }
  }

  @Test
  void manyPublishersAtOnceKeepOneGaplessOrder() throws Exception {
    Probe probe = new Probe(List.of("t"), List.of());
    probe.subscribe(null);
    int threads = 4;
    int each = 2_000;
    ExecutorService publishers = Executors.newFixedThreadPool(threads);
    List<java.util.concurrent.Future<List<Long>>> sequences = new java.util.ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        sequences.add(
            publishers.submit(
                () -> {
                  List<java.util.concurrent.CompletableFuture<Event>> sent =
                      new java.util.ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    sent.add(hub.publish(Update.of("t", thread + ":" + i)));
                    if (sent.size() % 256 == 0) {
                      sent.get(sent.size() - 1)
                          .get(5, TimeUnit.SECONDS); // stay below the queue bound
                    }
                  }
                  List<Long> out = new java.util.ArrayList<>();
                  for (java.util.concurrent.CompletableFuture<Event> f : sent) {
                    out.add(f.get(5, TimeUnit.SECONDS).sequence());
                  }
                  return out;
                }));
      }
      java.util.Set<Long> all = new java.util.TreeSet<>();
      for (java.util.concurrent.Future<List<Long>> f : sequences) {
        List<Long> mine = f.get(30, TimeUnit.SECONDS);
        assertThat(mine).isSorted(); // one publisher's events keep its order
        all.addAll(mine);
      }
      assertThat(all).hasSize(threads * each);
      assertThat(all.iterator().next()).isEqualTo(1L);
      assertThat(((java.util.TreeSet<Long>) all).last()).isEqualTo((long) threads * each);
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.received.size() == threads * each);
      for (int t = 0; t < threads; t++) {
        String prefix = t + ":";
        assertThat(probe.received.stream().filter(d -> d.startsWith(prefix)).toList())
            .containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, each).mapToObj(i -> prefix + i).toList());
      }
    } finally {
      publishers.shutdownNow();
    }
  }
}
