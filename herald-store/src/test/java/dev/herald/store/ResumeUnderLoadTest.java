package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.dispatch.TestLoops;
import dev.herald.core.history.History;
import dev.herald.core.history.MemoryHistory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many clients with random topic sets drop their streams at random points (and whenever the hub
 * cuts them off) and come back with the last id they saw, while publishers run. At the end each has
 * exactly the events matching its topics, in order, once each: no gap, no duplicate across any
 * replay/live hand-off. The seed is fixed (override with {@code -Dherald.seed=N}) and printed with
 * every failure; thread interleavings still vary from run to run.
 *
 * <p>Threading: the JUnit thread sets up and checks; publisher threads publish; each probe is owned
 * and drained by one of one or three single-thread executors standing in for event loops.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@ParameterizedClass
@ValueSource(ints = {1, 3})
class ResumeUnderLoadTest {

  private static final long SEED = Long.getLong("herald.seed", 0x5EED_2026L);
  private static final int TOPICS = 8;
  private static final int PROBES = 24;
  private static final int PUBLISHERS = 3;
  private static final int EVENTS_PER_PUBLISHER = 1_200;

  @TempDir Path dataDir;

  /** How many event loops the probes are spread over; each loop has its own lane of the hub. */
  @Parameter int loopCount;

  /** Stand-ins for connection event loops: each probe is owned and drained by one of them. */
  private TestLoops eventLoops;

  @BeforeEach
  void startEventLoops() {
    eventLoops = new TestLoops(loopCount);
  }

  @AfterEach
  void stopEventLoops() throws InterruptedException {
    eventLoops.close();
  }

  private static String topic(int n) {
    return "https://example.com/t/" + n;
  }

  /** What a selector set receives, worked out without the hub's matching code. */
  private static Set<String> matchedTopics(List<String> selectors) {
    Set<String> matched = new HashSet<>();
    for (String selector : selectors) {
      if (selector.equals("*") || selector.equals("https://example.com/t/{n}")) {
        IntStream.range(0, TOPICS).forEach(n -> matched.add(topic(n)));
      } else {
        matched.add(selector);
      }
    }
    return matched;
  }

  private static List<String> randomSelectors(Random random, int probe) {
    if (probe % 8 == 0) {
      return List.of("https://example.com/t/{n}");
    }
    if (probe % 8 == 1) {
      return List.of("*");
    }
    List<String> selectors = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    while (selectors.size() < count) {
      String candidate = topic(random.nextInt(TOPICS));
      if (!selectors.contains(candidate)) {
        selectors.add(candidate);
      }
    }
    return selectors;
  }

  private void publish(Hub hub, int publisher, Queue<Event> published) {
    Random random = new Random(SEED * 31 + publisher);
    int sent = 0;
    while (sent < EVENTS_PER_PUBLISHER) {
      // bursts, so that the dispatcher groups publishes of several threads in one commit
      int burst = Math.min(1 + random.nextInt(32), EVENTS_PER_PUBLISHER - sent);
      List<CompletableFuture<Event>> pending = new ArrayList<>(burst);
      for (int i = 0; i < burst; i++, sent++) {
        List<String> topics =
            random.nextInt(4) == 0
                ? List.of(topic(random.nextInt(TOPICS)), topic(random.nextInt(TOPICS)))
                : List.of(topic(random.nextInt(TOPICS)));
        boolean isPrivate = random.nextInt(20) == 0; // no probe may read these
        pending.add(
            hub.publish(
                new Update(topics, "p" + publisher + "-" + sent, isPrivate, null, null, null)));
      }
      pending.forEach(future -> published.add(future.join()));
    }
  }

  private void runScenario(History history) throws Exception {
    Random random = new Random(SEED);
    Queue<Event> published = new ConcurrentLinkedQueue<>();
    // A small live queue so slow probes get cut off and must resume from history too.
    try (Hub hub = new Hub(HubConfig.DEFAULTS.withSubscriberQueueCapacity(64), history)) {
      List<Probe> probes = new ArrayList<>();
      for (int i = 0; i < PROBES; i++) {
        probes.add(
            new Probe(
                hub, randomSelectors(random, i), eventLoops.get(i), new Random(SEED + i), 150));
      }
      probes.forEach(probe -> probe.subscribe(null));
      await().atMost(Duration.ofSeconds(10)).until(() -> hub.subscriberCount() == PROBES);

      List<Thread> publishers = new ArrayList<>();
      for (int p = 0; p < PUBLISHERS; p++) {
        int publisher = p;
        Thread thread = new Thread(() -> publish(hub, publisher, published), "publisher-" + p);
        publishers.add(thread);
        thread.start();
      }
      for (Thread thread : publishers) {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(thread.isAlive())
            .as("seed %d: %s still publishing", SEED, thread.getName())
            .isFalse();
      }
      assertThat(published).hasSize(PUBLISHERS * EVENTS_PER_PUBLISHER);

      List<Event> inOrder =
          published.stream().sorted(Comparator.comparingLong(Event::sequence)).toList();
      List<List<String>> expected = new ArrayList<>();
      for (Probe probe : probes) {
        Set<String> matched = matchedTopics(probe.topics);
        expected.add(
            inOrder.stream()
                .filter(e -> !e.update().isPrivate())
                .filter(e -> e.update().topics().stream().anyMatch(matched::contains))
                .map(Event::id)
                .toList());
      }
      await("seed " + SEED + ": every probe catches up")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  IntStream.range(0, PROBES)
                      .allMatch(i -> probes.get(i).received.size() >= expected.get(i).size()));

      int connections = 0;
      for (int i = 0; i < PROBES; i++) {
        Probe probe = probes.get(i);
        String context = "seed " + SEED + ", probe " + i + " " + probe.topics;
        assertThat(probe.failures).as(context).isEmpty();
        assertThat(probe.received.stream().map(Event::id).toList())
            .as(context)
            .containsExactlyElementsOf(expected.get(i));
        for (Probe.Resume resume : probe.resumes) {
          if (resume.asked() != null) {
            // everything is retained, so every id sent back must be known
            assertThat(resume.answered()).as(context).isEqualTo(resume.asked());
          }
        }
        connections += probe.connections();
      }
      assertThat(connections)
          .as("seed %d: the probes dropped and resumed their streams many times", SEED)
          .isGreaterThan(PROBES * 5);
    }
  }

  @Test
  void everyClientEndsWithExactlyItsEventsOnTheDurableStore() throws Exception {
    runScenario(
        SqliteHistory.open(StoreConfig.DEFAULTS.withDataDir(dataDir).withMaxEvents(1_000_000)));
  }

  @Test
  void everyClientEndsWithExactlyItsEventsOnTheMemoryStore() throws Exception {
    runScenario(new MemoryHistory(PUBLISHERS * EVENTS_PER_PUBLISHER));
  }

  @Test
  void aFullReaderQueueCutsTheReplayingStreamOffAndTheClientResumesOnceReadersAreFree()
      throws Exception {
    SqliteHistory history =
        SqliteHistory.open(StoreConfig.DEFAULTS.withDataDir(dataDir).withReaders(1, 1));
    CountDownLatch readerFree = new CountDownLatch(1);
    try (Hub hub = new Hub(HubConfig.DEFAULTS, history)) {
      for (int i = 1; i <= 10; i++) {
        hub.publish(Update.of(topic(0), "e" + i)).get(10, TimeUnit.SECONDS);
      }
      // the only reader thread is busy and the one queue slot taken
      history.readExecutor().execute(() -> waitFor(readerFree));
      history.readExecutor().execute(() -> {});
      Probe probe = new Probe(hub, List.of(topic(0)), eventLoops.get(0), new Random(SEED), 0);
      probe.subscribe("earliest");
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.connections() >= 3);
      assertThat(probe.received).as("nothing replayed while the readers are full").isEmpty();
      readerFree.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.received.size() >= 10);
      assertThat(probe.received.stream().map(e -> e.update().data()).toList())
          .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).mapToObj(i -> "e" + i).toList());
      assertThat(probe.failures).isEmpty();
    } finally {
      readerFree.countDown();
    }
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the pool is shutting down: let the thread go
    }
  }

  @Test
  void aPrunedIdResumesFromTheEarliestRetainedEventAndSaysSo() throws Exception {
    SqliteHistory history =
        SqliteHistory.open(
            StoreConfig.DEFAULTS
                .withDataDir(dataDir)
                .withMaxEvents(10)
                .withPruneInterval(Duration.ofHours(1)));
    try (Hub hub = new Hub(HubConfig.DEFAULTS, history)) {
      List<Event> events = new ArrayList<>();
      for (int i = 1; i <= 30; i++) {
        events.add(hub.publish(Update.of(topic(0), "e" + i)).get(10, TimeUnit.SECONDS));
      }
      history.pruneNow().get(10, TimeUnit.SECONDS);
      Probe probe = new Probe(hub, List.of(topic(0)), eventLoops.get(0), new Random(SEED), 0);
      probe.subscribe(events.get(4).id());
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.received.size() >= 10);
      assertThat(probe.resumes).containsExactly(new Probe.Resume(events.get(4).id(), "earliest"));
      assertThat(probe.received.stream().map(Event::sequence).toList())
          .as("the retained events 21..30; the client learns of the gap from 'earliest'")
          .containsExactlyElementsOf(
              IntStream.rangeClosed(21, 30).mapToObj(Long::valueOf).toList());
      assertThat(probe.failures).isEmpty();
    }
  }
}
