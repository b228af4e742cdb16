package dev.herald.store;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.dispatch.DeliveryLoop;
import dev.herald.core.dispatch.PlainSubscriptions;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.topic.TopicSelector;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client of the hub as a connection's event loop would serve it: its subscriber is drained on one
 * owner thread, and it can drop its stream and come back with the id of the last event it received,
 * as an {@code EventSource} does; also when the hub cuts it off (queue overflow, failed replay
 * read).
 *
 * <p>Threading: everything but the constructor and {@link #subscribe} runs on {@code owner}, a
 * single thread; {@link #received} and {@link #failures} may be read from any thread.
 */
final class Probe {

  /** One (re)connection: the Last-Event-ID sent and the one the hub answered. */
  record Resume(String asked, String answered) {}

  final List<String> topics;
  final List<Event> received = new CopyOnWriteArrayList<>();
  final List<Resume> resumes = new CopyOnWriteArrayList<>();
  final Queue<String> failures = new ConcurrentLinkedQueue<>();

  private final Hub hub;
  private final DeliveryLoop owner;
  private final Random random; // owner thread only
  private final int maxEventsBetweenReconnects;
  private Subscriber current; // owner thread only
  private int eventsUntilReconnect; // owner thread only
  private boolean reconnectDue; // owner thread only
  private volatile int connections;

  /**
   * @param maxEventsBetweenReconnects 0 never drops the stream on purpose; otherwise it drops it
   *     after a random 1..max events
   */
  Probe(
      Hub hub,
      List<String> topics,
      DeliveryLoop owner,
      Random random,
      int maxEventsBetweenReconnects) {
    this.hub = hub;
    this.topics = List.copyOf(topics);
    this.owner = owner;
    this.random = random;
    this.maxEventsBetweenReconnects = maxEventsBetweenReconnects;
  }

  /** Connects with this Last-Event-ID (null: no replay, {@code earliest}: everything retained). */
  void subscribe(String lastEventId) {
    owner.execute(() -> connect(lastEventId));
  }

  int connections() {
    return connections;
  }

  private void connect(String lastEventId) {
    Subscriber[] self = new Subscriber[1];
    // Owned by its loop, as a connection's subscriber is: the hub's lane for it runs there too.
    Subscriber subscriber =
        hub.newSubscriberOf(
            topics.stream().map(TopicSelector::of).toList(),
            List.of(),
            Collections.nCopies(topics.size(), null),
            PlainSubscriptions.FORMAT,
            owner,
            () -> owner.execute(() -> drain(self[0])));
    self[0] = subscriber;
    current = subscriber;
    connections++;
    eventsUntilReconnect =
        maxEventsBetweenReconnects == 0 ? -1 : 1 + random.nextInt(maxEventsBetweenReconnects);
    hub.subscribe(subscriber, lastEventId)
        .whenComplete(
            (subscription, error) ->
                owner.execute(
                    () -> {
                      if (error != null) {
                        failures.add("subscribe after " + lastEventId + " failed: " + error);
                        return;
                      }
                      resumes.add(new Resume(lastEventId, subscription.responseLastEventId()));
                      drain(subscriber);
                    }));
  }

  private void drain(Subscriber subscriber) {
    if (subscriber != current) {
      return; // a wake-up for a stream this client already dropped
    }
    while (true) {
      int handed = subscriber.drainTo(this::deliver, 16);
      if (reconnectDue || subscriber.mustReconnect() || subscriber.replayFailure() != null) {
        reconnect();
        return;
      }
      if (handed == 0) {
        break;
      }
    }
    subscriber.idle();
  }

  private void deliver(Event event) {
    received.add(event);
    if (--eventsUntilReconnect == 0) {
      reconnectDue = true;
    }
  }

  private void reconnect() {
    reconnectDue = false;
    hub.unsubscribe(current);
    String lastSeen = received.isEmpty() ? "earliest" : received.get(received.size() - 1).id();
    connect(lastSeen);
  }
}
