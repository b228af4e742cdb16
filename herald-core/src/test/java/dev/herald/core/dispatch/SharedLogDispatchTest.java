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
import java.util.concurrent.ExecutionException;
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
 * The dispatcher over a shared log, with a tail the test moves by hand: acknowledging is storing,
 * delivering is the tail's job, and replay plus live stays gap-free and duplicate-free whichever
 * hub a subscriber resumes on. Runs on the JUnit thread; subscribers are owned and drained by no
 * loop (the caller's threads), one loop, or three, spread round robin.
 */
@ParameterizedClass
@ValueSource(ints = {0, 1, 3})
class SharedLogDispatchTest {

  @Parameter int loopCount;
  private TestLoops loops;
  private int probes;

  @BeforeEach
  void startLoops() {
    loops = new TestLoops(loopCount);
  }

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final ManualSharedLog log = new ManualSharedLog();
  private final ManualSharedLog.Node nodeA = log.node();
  private final ManualSharedLog.Node nodeB = log.node();
  private final Hub hubA = new Hub(HubConfig.DEFAULTS, nodeA);
  private final Hub hubB = new Hub(HubConfig.DEFAULTS, nodeB);
  private final ExecutorService owner = Executors.newSingleThreadExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    hubA.close();
    hubB.close();
    owner.shutdownNow();
    owner.awaitTermination(5, TimeUnit.SECONDS);
    loops.close();
  }

  /** A subscriber drained on the owner thread into a list of data fields. */
  private final class Probe {
    final List<String> received = new CopyOnWriteArrayList<>();
    final Subscriber subscriber;

    final Executor drainOn;

    Probe(Hub hub) {
      Subscriber[] self = new Subscriber[1];
      DeliveryLoop loop = loops.get(probes++);
      drainOn = loop == DeliveryLoop.CALLER ? owner : loop;
      subscriber =
          hub.newSubscriberOf(
              List.of(TopicSelector.of("t")),
              List.of(),
              Collections.singletonList(null),
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

    String subscribe(Hub hub, String lastEventId) throws Exception {
      String header =
          hub.subscribe(subscriber, lastEventId).get(5, TimeUnit.SECONDS).responseLastEventId();
      drainOn.execute(() -> drain(subscriber));
      return header;
    }
  }

  private static Event publish(Hub hub, String data) throws Exception {
    return hub.publish(Update.of("t", data)).get(5, TimeUnit.SECONDS);
  }

  @Test
  void aPublishIsAcknowledgedOnceStoredAndFannedOutOnlyWhenTheTailDeliversIt() throws Exception {
    Probe onA = new Probe(hubA);
    Probe onB = new Probe(hubB);
    onA.subscribe(hubA, null);
    onB.subscribe(hubB, null);
    Event event = publish(hubA, "one");
    assertThat(event.sequence()).isEqualTo(1);
    assertThat(nodeA.read(0, 10, 10)).extracting(Event::id).containsExactly(event.id());
    // acknowledged, but not yet delivered by any tail: nobody has it, the publisher's hub neither
    assertThat(hubA.publishedEvents()).isZero();
    assertThat(onA.received).isEmpty();
    nodeB.tailAll();
    await().atMost(WAIT).until(() -> onB.received.size() == 1);
    assertThat(onA.received).isEmpty();
    nodeA.tailAll();
    await().atMost(WAIT).until(() -> onA.received.size() == 1);
    assertThat(onA.received).containsExactly("one");
    assertThat(onB.received).containsExactly("one");
  }

  @Test
  void resumingOnAnotherHubReplaysUpToItsTailThenGoesLiveWithoutGapOrDuplicate() throws Exception {
    Event first = publish(hubA, "1");
    publish(hubA, "2");
    nodeB.tailAll(); // B has delivered 1 and 2
    publish(hubA, "3"); // stored, not yet delivered by B: live for a subscriber registered now
    Probe probe = new Probe(hubB);
    assertThat(probe.subscribe(hubB, first.id())).isEqualTo(first.id());
    await().atMost(WAIT).until(() -> probe.received.size() == 1);
    nodeB.tailAll();
    await().atMost(WAIT).until(() -> probe.received.size() == 2);
    assertThat(probe.received).containsExactly("2", "3");
  }

  @Test
  void anIdThisHubHasNotDeliveredYetIsNotSentAgain() throws Exception {
    publish(hubA, "1");
    Event second = publish(hubA, "2");
    publish(hubA, "3");
    // The client saw 1 and 2 on a hub further ahead; B's tail has delivered nothing yet.
    Probe probe = new Probe(hubB);
    assertThat(probe.subscribe(hubB, second.id())).isEqualTo(second.id());
    nodeB.tailAll();
    await().atMost(WAIT).until(() -> probe.received.size() == 1);
    assertThat(probe.received).containsExactly("3");
  }

  @Test
  void eventsAppendedByAnotherHubReachThisHubsSubscribers() throws Exception {
    Probe probe = new Probe(hubA);
    probe.subscribe(hubA, null);
    log.appendElsewhere(Update.of("t", "from elsewhere").withId("x-1"));
    nodeA.tailAll();
    await().atMost(WAIT).until(() -> probe.received.size() == 1);
    assertThat(probe.received).containsExactly("from elsewhere");
  }

  @Test
  void aGapEndsEveryStreamAndNothingAfterItIsQueued() throws Exception {
    Probe probe = new Probe(hubA);
    probe.subscribe(hubA, null);
    publish(hubA, "before");
    nodeA.tailAll();
    await().atMost(WAIT).until(() -> probe.received.size() == 1);
    publish(hubA, "lost");
    nodeA.loseAll();
    publish(hubA, "after");
    nodeA.tailAll();
    await().atMost(WAIT).until(() -> probe.subscriber.mustReconnect());
    assertThat(probe.received).containsExactly("before");
    // a subscriber registered after the gap starts from the position the tail resumed at
    Probe later = new Probe(hubA);
    later.subscribe(hubA, null);
    publish(hubA, "later");
    nodeA.tailAll();
    await().atMost(WAIT).until(() -> later.received.size() == 1);
    assertThat(later.received).containsExactly("later");
  }

  @Test
  void aPublishTheLogRefusesIsAnsweredWith503AndNotDelivered() throws Exception {
    log.down(true);
    assertThat(hubA.readiness().ready()).isFalse();
    assertThatThrownBy(() -> publish(hubA, "refused"))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.UNAVAILABLE))
        .hasMessageContaining("log unreachable");
    log.down(false);
    assertThat(hubA.readiness().ready()).isTrue();
    assertThat(publish(hubA, "accepted").sequence()).isEqualTo(1);
  }

  @Test
  void eventsTrimmedWhileAReplayReadsThemEndTheStreamInsteadOfBeingSkipped() throws Exception {
    ManualSharedLog small = new ManualSharedLog(10);
    ManualSharedLog.Node node = small.node();
    java.util.concurrent.LinkedBlockingQueue<Runnable> heldReads =
        new java.util.concurrent.LinkedBlockingQueue<>();
    small.readOn(heldReads::add);
    Hub hub = new Hub(HubConfig.DEFAULTS, node);
    try {
      Event first = publish(hub, "1");
      for (int i = 2; i <= 5; i++) {
        publish(hub, Integer.toString(i));
      }
      node.tailAll();
      Probe probe = new Probe(hub);
      probe.subscribe(hub, first.id()); // replays 2..5, its first read held back
      for (int i = 6; i <= 30; i++) {
        publish(hub, Integer.toString(i)); // the log keeps 21..30 now
      }
      Runnable read = heldReads.poll(5, TimeUnit.SECONDS);
      assertThat(read).as("the replay's first read").isNotNull();
      read.run();
      await().atMost(WAIT).until(() -> probe.subscriber.replayFailure() != null);
      assertThat(probe.subscriber.replayFailure())
          .hasMessage("events 2..5 were pruned from history before they could be replayed");
      assertThat(probe.received).isEmpty();
    } finally {
      hub.close();
    }
  }

  @Test
  void aClusterPublishIsEncodedOnceByTheTailNotAtPublish() throws Exception {
    Probe onA = new Probe(hubA);
    onA.subscribe(hubA, null);
    Event acknowledged = publish(hubA, "once");
    assertThat(acknowledged.frame()).isEmpty(); // the publisher learns its id and sequence only
    List<byte[]> frames = new CopyOnWriteArrayList<>();
    Subscriber raw =
        hubA.newSubscriber(List.of("t"), List.of(), null, PlainSubscriptions.FORMAT, () -> {});
    hubA.subscribe(raw, "earliest").get(5, TimeUnit.SECONDS);
    nodeA.tailAll();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              raw.drainTo(e -> frames.add(e.frame()), 16);
              return !frames.isEmpty();
            });
    assertThat(new String(frames.get(0), java.nio.charset.StandardCharsets.UTF_8))
        .contains("data: once");
    await().atMost(WAIT).until(() -> onA.received.equals(List.of("once")));
  }
}
