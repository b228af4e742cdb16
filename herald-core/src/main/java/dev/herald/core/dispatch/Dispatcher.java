package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.EventIds;
import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.history.History;
import dev.herald.core.sse.SseFrame;
import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the hub's state: it orders publishes, appends them to history and fans
 * them out, and registers subscribers between two publishes, so "register + snapshot" is atomic
 * without a lock any event loop could wait on.
 *
 * <p>Publishes that wait together are appended to history as one batch (one commit for a durable
 * store: group commit), then fanned out and acknowledged, so an acknowledged event is always in
 * history before any subscriber sees it.
 *
 * <p>Threading: {@code publish}, {@code register} and {@code unregister} may be called from any
 * thread; they enqueue a command for the dispatcher thread, which owns the index and history
 * writes. The command queue is bounded: when it is full, callers get a 503 instead of waiting.
 */
public final class Dispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** Commands taken from the queue at once; also the largest group commit. */
  private static final int MAX_BATCH = 1_024;

  private sealed interface Command permits Publish, Register, Snapshot, Wake {}

  private record Publish(
      Update update, byte[] frame, long publishedNanos, CompletableFuture<Event> done)
      implements Command {}

  private record Register(
      Subscriber subscriber, String lastEventId, CompletableFuture<Subscription> done)
      implements Command {}

  private record Snapshot(CompletableFuture<SubscriptionsSnapshot> done) implements Command {}

  private enum Wake implements Command {
    INSTANCE
  }

  private final History history;
  private final BlockingQueue<Command> commands;
  // Unbounded in type only: each registered subscriber is added at most once.
  private final ConcurrentLinkedQueue<Subscriber> departures = new ConcurrentLinkedQueue<>();
  private final SubscriberIndex index = new SubscriberIndex();
  private final Thread thread;
  private final boolean subscriptionEvents;
  private String lastEventId = "earliest"; // dispatcher thread only
  private volatile boolean running = true;
  private volatile int subscriberCount;
  private volatile long dispatchedEvents;
  private volatile long deliveries;

  /**
   * @param subscriptionEvents whether to publish the protocol's private subscription events when a
   *     subscription starts or ends
   */
  public Dispatcher(History history, int queueCapacity, boolean subscriptionEvents) {
    this.history = history;
    this.subscriptionEvents = subscriptionEvents;
    String restored = history.lastId(); // before the thread starts, so still this thread's to read
    if (restored != null) {
      lastEventId = restored;
    }
    this.commands = new ArrayBlockingQueue<>(queueCapacity);
    this.thread = new Thread(this::run, "herald-dispatcher");
    thread.setDaemon(true);
    thread.start();
  }

  /** Assigns the next sequence, stores the event and offers it to every matching subscriber. */
  public CompletableFuture<Event> publish(Update update, byte[] frame) {
    CompletableFuture<Event> done = new CompletableFuture<>();
    // Taken here, on the publisher's thread, so latency figures include the wait in the queue.
    submit(new Publish(update, frame, System.nanoTime(), done), done);
    return done;
  }

  /**
   * Registers the subscriber and sets up its replay: events after {@code lastEventId} (null for
   * none, {@code earliest} for everything retained) up to the last event stored at this moment.
   */
  public CompletableFuture<Subscription> register(Subscriber subscriber, String lastEventId) {
    CompletableFuture<Subscription> done = new CompletableFuture<>();
    submit(new Register(subscriber, lastEventId, done), done);
    return done;
  }

  /** The active subscriptions now, one per selector of each registered subscriber. */
  public CompletableFuture<SubscriptionsSnapshot> subscriptions() {
    CompletableFuture<SubscriptionsSnapshot> done = new CompletableFuture<>();
    submit(new Snapshot(done), done);
    return done;
  }

  /** Closes the subscriber at once and forgets it on the dispatcher thread soon after. */
  public void unregister(Subscriber subscriber) {
    subscriber.close();
    departures.add(subscriber);
    commands.offer(Wake.INSTANCE); // if full, the dispatcher is busy and sees it next turn
  }

  public int subscriberCount() {
    return subscriberCount;
  }

  public long dispatchedEvents() {
    return dispatchedEvents;
  }

  /** How many times an event was queued for a subscriber, in total. */
  public long deliveries() {
    return deliveries;
  }

  /**
   * Stops taking commands, finishes those already queued (so accepted publishes are stored and
   * acknowledged), and waits for the dispatcher thread up to {@code grace}; whatever is still
   * queued after that fails with 503.
   */
  public void close(java.time.Duration grace) {
    running = false;
    try {
      thread.join(Math.max(1, grace.toMillis()));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(java.time.Duration.ofSeconds(5));
  }

  private void submit(Command command, CompletableFuture<?> done) {
    if (!running) {
      done.completeExceptionally(shuttingDown());
    } else if (!commands.offer(command)) {
      done.completeExceptionally(
          new HubException(
              HubException.Kind.UNAVAILABLE,
              "hub overloaded: " + commands.size() + " commands waiting (try again later)"));
    }
  }

  private void run() {
    List<Command> batch = new ArrayList<>(MAX_BATCH);
    List<Publish> publishes = new ArrayList<>(MAX_BATCH);
    while (true) {
      Command first;
      try {
        first = running ? commands.poll(100, TimeUnit.MILLISECONDS) : commands.poll();
      } catch (InterruptedException e) {
        break;
      }
      forgetDepartures(publishes);
      commit(publishes);
      if (first == null) {
        if (running) {
          continue;
        }
        break; // closing and nothing left to finish
      }
      batch.add(first);
      commands.drainTo(batch, MAX_BATCH - 1);
      for (Command command : batch) {
        if (command instanceof Publish publish) {
          publishes.add(publish);
        } else if (command instanceof Register register) {
          // Publishes queued before the registration belong before its snapshot.
          commit(publishes);
          register(register, publishes);
        } else if (command instanceof Snapshot snapshot) {
          commit(publishes);
          snapshot.done().complete(new SubscriptionsSnapshot(activeSubscriptions(), lastEventId));
        }
      }
      commit(publishes);
      batch.clear();
    }
    failPending();
  }

  /** Appends the publishes as one batch, then fans them out and acknowledges them. */
  private void commit(List<Publish> publishes) {
    if (publishes.isEmpty()) {
      return;
    }
    long sequence = history.lastSequence();
    List<Event> events = new ArrayList<>(publishes.size());
    for (Publish publish : publishes) {
      events.add(new Event(++sequence, publish.update(), publish.frame(), publish.publishedNanos()));
    }
    try {
      history.append(events);
    } catch (RuntimeException e) {
      log.error("history append of {} events failed", events.size(), e);
      HubException failure =
          new HubException(HubException.Kind.UNAVAILABLE, "history write failed: " + e.getMessage());
      publishes.forEach(p -> p.done().completeExceptionally(failure));
      publishes.clear();
      return;
    }
    long offered = 0;
    for (int i = 0; i < events.size(); i++) {
      offered += index.dispatch(events.get(i));
      publishes.get(i).done().complete(events.get(i));
    }
    deliveries += offered;
    dispatchedEvents += events.size();
    lastEventId = events.get(events.size() - 1).id();
    publishes.clear();
  }

  private void register(Register register, List<Publish> publishes) {
    Subscriber subscriber = register.subscriber();
    try {
      long snapshot = history.lastSequence();
      long replayAfter = snapshot;
      String responseId = null;
      String lastEventId = register.lastEventId();
      if (lastEventId != null) {
        long known = lastEventId.equals("earliest") ? -1 : history.sequenceOf(lastEventId);
        // An unknown or pruned id replays everything retained; "earliest" tells the client that
        // events may be missing between its id and the first one it gets.
        replayAfter = known < 0 ? 0 : known;
        responseId = known < 0 ? "earliest" : lastEventId;
      }
      subscriber.startReplay(history, replayAfter, snapshot, "earliest".equals(responseId));
      subscriber.lastOfferedSequence = snapshot;
      if (!subscriber.isClosed()) {
        index.add(subscriber);
        announce(subscriber, true, publishes);
      }
      subscriberCount = index.size();
      register.done().complete(new Subscription(responseId));
    } catch (RuntimeException e) {
      register.done().completeExceptionally(e);
    }
  }

  private void forgetDepartures(List<Publish> publishes) {
    Subscriber departed;
    while ((departed = departures.poll()) != null) {
      if (index.remove(departed)) {
        announce(departed, false, publishes);
      }
    }
    subscriberCount = index.size();
  }

  /**
   * Queues the private subscription events of a subscriber that arrived or left; they are
   * committed with the next batch like any publish.
   */
  private void announce(Subscriber subscriber, boolean active, List<Publish> publishes) {
    if (!subscriptionEvents) {
      return;
    }
    for (TopicSelector selector : subscriber.topics()) {
      ActiveSubscription subscription =
          new ActiveSubscription(selector.raw(), subscriber.id(), subscriber.payload(), active);
      Update update = new Update(
          List.of(subscription.id()), subscription.toJson(), true, EventIds.next(), null, null);
      publishes.add(new Publish(update, SseFrame.encode(update), System.nanoTime(), new CompletableFuture<>()));
    }
  }

  private List<ActiveSubscription> activeSubscriptions() {
    List<ActiveSubscription> out = new ArrayList<>();
    for (Subscriber subscriber : index.all()) {
      for (TopicSelector selector : subscriber.topics()) {
        out.add(new ActiveSubscription(selector.raw(), subscriber.id(), subscriber.payload(), true));
      }
    }
    return out;
  }

  private void failPending() {
    Command pending;
    while ((pending = commands.poll()) != null) {
      if (pending instanceof Publish publish) {
        publish.done().completeExceptionally(shuttingDown());
      } else if (pending instanceof Register register) {
        register.done().completeExceptionally(shuttingDown());
      } else if (pending instanceof Snapshot snapshot) {
        snapshot.done().completeExceptionally(shuttingDown());
      }
    }
  }

  private static HubException shuttingDown() {
    return new HubException(HubException.Kind.UNAVAILABLE, "hub is shutting down");
  }
}
