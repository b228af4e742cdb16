package dev.herald.bench.jmh;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.dispatch.DeliveryLoop;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.history.MemoryHistory;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.http.SubscriptionFormats;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A memory-history hub whose subscribers are spread round robin over {@code loops} simulated event
 * loops, and a publisher that publishes a burst and waits until every subscriber drained every
 * event of it: publish, sequence, append, hand to each loop's lane, match, queue, wake, drain — the
 * hub's whole data path but the sockets.
 *
 * <p>Each burst is bounded (at most one burst's events wait anywhere), so memory stays flat over an
 * iteration; a 503 from a full command queue is retried, as a publisher would.
 *
 * <p>Threading: one driving thread calls {@link #start}, {@link #publishAndAwait} and {@link
 * #stop}.
 */
final class HubOnLoops {

  /** Gives up on a burst that never completes (a lost event), instead of hanging the run. */
  private static final long BURST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private Hub hub;
  private SimulatedEventLoop[] loops;
  private final List<Subscriber> subscribers = new ArrayList<>();
  private Update[] updates; // one per topic
  private int[][] matchesPerLoop; // [topic][loop]: subscribers of that loop the topic reaches
  private int nextTopic;
  private PublishFrom publishFrom;
  private CompletableFuture<?>[] answers = new CompletableFuture<?>[0];

  /** Publishing threads of the current burst that have not published their share yet. */
  private final AtomicInteger sharesPending = new AtomicInteger();

  private final AtomicLong overloadedRetries = new AtomicLong(); // publishing threads: any
  private long expectedDeliveries;
  private long iterationWallNanos;
  private long iterationLoopCpuNanos;
  private long iterationProcessCpuNanos;
  private long iterationDelivered;

  /**
   * @param publishFrom {@code caller}: the driving thread publishes (so the hub's serial drain runs
   *     there, a thread beside the loops); {@code loop}: the first loop publishes, as when the one
   *     publishing connection is that loop's; {@code loops}: every loop publishes an even share of
   *     each burst, as when publishing connections are spread over the loops
   * @param topicCount subscriber {@code i} subscribes to topic {@code i % topicCount}
   */
  void start(int loopCount, String publishFrom, int subscriberCount, int topicCount, int maxBurst) {
    this.publishFrom =
        switch (publishFrom) {
          case "caller" -> PublishFrom.CALLER;
          case "loop" -> PublishFrom.FIRST_LOOP;
          case "loops" -> PublishFrom.EVERY_LOOP;
          default ->
              throw new IllegalArgumentException(
                  "publishFrom: " + publishFrom + " (expected: caller, loop or loops)");
        };
    HubConfig config = HubConfig.DEFAULTS;
    if (maxBurst > config.subscriberQueueCapacity()) {
      // A burst larger than a subscriber's queue would cut subscribers, not measure delivery.
      config = config.withSubscriberQueueCapacity(maxBurst);
    }
    hub = new Hub(config, new MemoryHistory(10_000));
    loops = new SimulatedEventLoop[loopCount];
    for (int i = 0; i < loopCount; i++) {
      loops[i] = new SimulatedEventLoop("bench-loop-" + i);
    }
    updates = new Update[topicCount];
    for (int t = 0; t < topicCount; t++) {
      updates[t] = Update.of(topic(t), "lgts1234567890123");
    }
    matchesPerLoop = new int[topicCount][loopCount];
    List<CompletableFuture<?>> registrations = new ArrayList<>(subscriberCount);
    for (int i = 0; i < subscriberCount; i++) {
      SimulatedEventLoop loop = loops[i % loopCount];
      int t = i % topicCount;
      matchesPerLoop[t][i % loopCount]++;
      Subscriber[] self = new Subscriber[1];
      Subscriber subscriber =
          hub.newSubscriberOf(
              List.of(TopicSelector.of(topic(t))),
              List.of(),
              Collections.singletonList(null),
              SubscriptionFormats.DRAFT_07,
              loop,
              () -> loop.wake(self[0]));
      self[0] = subscriber;
      subscribers.add(subscriber);
      registrations.add(hub.subscribe(subscriber, null));
    }
    CompletableFuture.allOf(registrations.toArray(new CompletableFuture<?>[0])).join();
  }

  private static String topic(int t) {
    return "https://example.com/books/" + t;
  }

  /**
   * Publishes {@code count} updates, cycling over the topics, and returns once every matching
   * subscriber drained them.
   *
   * @return the deliveries of the burst
   */
  long publishAndAwait(int count) {
    Thread self = Thread.currentThread();
    int first = nextTopic;
    long[] due = new long[loops.length];
    for (int j = 0; j < count; j++) {
      int[] matches = matchesPerLoop[(first + j) % updates.length];
      for (int l = 0; l < loops.length; l++) {
        due[l] += matches[l];
      }
    }
    long burst = 0;
    for (int l = 0; l < loops.length; l++) {
      loops[l].expect(due[l], self);
      burst += due[l];
    }
    expectedDeliveries += burst;
    nextTopic = (first + count) % updates.length;
    if (answers.length < count) {
      answers = new CompletableFuture<?>[count];
    }
    switch (publishFrom) {
      case CALLER -> {
        sharesPending.set(1);
        publishShare(first, 0, count, null);
      }
      case FIRST_LOOP -> {
        sharesPending.set(1);
        SimulatedEventLoop publisher = loops[0];
        publisher.execute(() -> publishShare(first, 0, count, publisher));
      }
      case EVERY_LOOP -> {
        sharesPending.set(loops.length);
        for (int l = 0; l < loops.length; l++) {
          SimulatedEventLoop publisher = loops[l];
          int from = count * l / loops.length;
          int to = count * (l + 1) / loops.length;
          publisher.execute(() -> publishShare(first, from, to, publisher));
        }
      }
    }
    awaitBurst();
    for (int j = 0; j < count; j++) {
      answers[j].join(); // a publish that failed for another reason than a full queue fails the run
      answers[j] = null;
    }
    return burst;
  }

  /** Publishes the burst's updates {@code from} (inclusive) to {@code to} (exclusive). */
  private void publishShare(int first, int from, int to, DeliveryLoop replyOn) {
    for (int j = from; j < to; j++) {
      answers[j] = publishRetrying(updates[(first + j) % updates.length], replyOn);
    }
    sharesPending.decrementAndGet(); // orders this share's answers[] before the waiter reads them
  }

  private CompletableFuture<Event> publishRetrying(Update update, DeliveryLoop replyOn) {
    while (true) {
      CompletableFuture<Event> answer = hub.publish(update, replyOn);
      if (!answer.isCompletedExceptionally() || !overloaded(answer)) {
        return answer;
      }
      overloadedRetries.incrementAndGet();
      LockSupport.parkNanos(10_000); // a 503: the publisher backs off and tries again
    }
  }

  private static boolean overloaded(CompletableFuture<Event> failed) {
    try {
      failed.join();
      return false;
    } catch (CompletionException e) {
      return e.getCause() instanceof HubException hub
          && hub.kind() == HubException.Kind.UNAVAILABLE;
    }
  }

  private void awaitBurst() {
    long deadline = System.nanoTime() + BURST_TIMEOUT_NANOS;
    while (!burstDone()) {
      // The loop that completes its share unparks this thread; the timeout only bounds a miss.
      LockSupport.parkNanos(this, 1_000_000);
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("burst not delivered within 30 s: " + progress());
      }
    }
  }

  private boolean burstDone() {
    if (sharesPending.get() != 0) {
      return false;
    }
    for (SimulatedEventLoop loop : loops) {
      if (!loop.reachedTarget()) {
        return false;
      }
    }
    return true;
  }

  private String progress() {
    StringBuilder out = new StringBuilder();
    for (SimulatedEventLoop loop : loops) {
      out.append(loop)
          .append(' ')
          .append(loop.delivered())
          .append('/')
          .append(loop.target())
          .append("; ");
    }
    return out.append("slow cuts ").append(hub.slowConsumerCuts()).toString();
  }

  /**
   * Starts the CPU account of a measurement: on a shared machine the loops may not get a core each,
   * so a ratio of wall-clock throughputs alone cannot tell a design limit from a busy host.
   */
  void beginIteration() {
    iterationWallNanos = System.nanoTime();
    iterationLoopCpuNanos = loopCpuNanos();
    iterationProcessCpuNanos = processCpuNanos();
    iterationDelivered = delivered();
  }

  /**
   * Prints the iteration's deliveries per second of the loops' CPU time and of the process's, and
   * how many cores the process got on average (process CPU / wall time).
   */
  void endIteration() {
    double wall = (System.nanoTime() - iterationWallNanos) / 1e9;
    double loopCpu = (loopCpuNanos() - iterationLoopCpuNanos) / 1e9;
    double processCpu = (processCpuNanos() - iterationProcessCpuNanos) / 1e9;
    long events = delivered() - iterationDelivered;
    System.out.printf(
        "  [cpu] %d loop(s): %.0f events per loop CPU-s, %.0f per process CPU-s;"
            + " cores used: loops %.2f, process %.2f%n",
        loops.length, events / loopCpu, events / processCpu, loopCpu / wall, processCpu / wall);
  }

  private long delivered() {
    long delivered = 0;
    for (SimulatedEventLoop loop : loops) {
      delivered += loop.delivered();
    }
    return delivered;
  }

  private long loopCpuNanos() {
    long cpu = 0;
    for (SimulatedEventLoop loop : loops) {
      cpu += loop.cpuNanos();
    }
    return cpu;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Ends the run and fails it if any event was lost, duplicated or any subscriber cut. */
  void stop() throws InterruptedException {
    long delivered = 0;
    long cut = 0;
    for (SimulatedEventLoop loop : loops) {
      delivered += loop.delivered();
      cut += loop.cutSubscribers();
    }
    for (Subscriber subscriber : subscribers) {
      hub.unsubscribe(subscriber);
    }
    hub.close();
    for (SimulatedEventLoop loop : loops) {
      loop.close();
    }
    if (delivered != expectedDeliveries || cut != 0 || hub.slowConsumerCuts() != 0) {
      throw new IllegalStateException(
          "delivered "
              + delivered
              + " events (expected: "
              + expectedDeliveries
              + "), "
              + cut
              + " subscribers cut");
    }
    if (overloadedRetries.get() > 0) {
      System.out.println("publishes retried after a 503: " + overloadedRetries);
    }
  }

  private enum PublishFrom {
    CALLER,
    FIRST_LOOP,
    EVERY_LOOP
  }
}
