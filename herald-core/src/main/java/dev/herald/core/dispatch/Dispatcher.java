package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.EventIds;
import dev.herald.core.HubException;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Update;
import dev.herald.core.history.History;
import dev.herald.core.history.SharedLog;
import dev.herald.core.sse.SseFrame;
import dev.herald.core.topic.TopicSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Over a {@link SharedLog} (a cluster), a batch is appended to the shared log without being
 * fanned out, and acknowledged once the log has it; every hub, this one included, fans out only
 * what its tail of the log delivers, so all hubs see one order. Registration then snapshots the
 * last sequence the tail delivered: replay reads the log up to it, live events are the ones
 * delivered after it.
 *
 * <p>Threading: {@code publish}, {@code register} and {@code unregister} may be called from any
 * thread; they enqueue a command for the dispatcher thread, which owns the index and history
 * writes. The command queue is bounded: when it is full, callers get a 503 instead of waiting;
 * only a shared log's tail waits for room, as what it read must not be dropped.
 */
public final class Dispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  /** A full disk fails every publish: one line per interval, not a stack trace per publish. */
  private static final RateLimitedLog appendFailures = new RateLimitedLog(log);

  /** Commands taken from the queue at once; also the largest group commit. */
  private static final int MAX_BATCH = 1_024;

  /** A {@link Register} whose last event id the dispatcher looks up itself (local history). */
  private static final long UNRESOLVED = Long.MIN_VALUE;

  private sealed interface Command permits Publish, Register, Snapshot, Deliver, Gap, Wake {}

  private record Publish(
      Update update, byte[] frame, long publishedNanos, CompletableFuture<Event> done)
      implements Command {}

  /**
   * @param resolvedSequence the shared log's sequence for {@code lastEventId} (-1: unknown), or
   *     {@link #UNRESOLVED} for the dispatcher to look it up in local history
   */
  private record Register(
      Subscriber subscriber,
      String lastEventId,
      long resolvedSequence,
      CompletableFuture<Subscription> done)
      implements Command {}

  /** Events a shared log's tail read, to fan out in the log's order. */
  private record Deliver(List<Event> events) implements Command {}

  /** The tail lost events: everyone waiting for them must reconnect. */
  private record Gap(long resumeAfter, String reason) implements Command {}

  private record Snapshot(CompletableFuture<SubscriptionsSnapshot> done) implements Command {}

  private enum Wake implements Command {
    INSTANCE
  }

  private final History history;
  private final SharedLog shared; // null: local history, appended and fanned out here
  // Shared mode: appends sent to the log and not answered yet, so close can wait for them.
  private final Set<CompletableFuture<Long>> appending = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Command> commands;
  // Unbounded in type only: each registered subscriber is added at most once.
  private final ConcurrentLinkedQueue<Subscriber> departures = new ConcurrentLinkedQueue<>();
  private final SubscriberIndex index = new SubscriberIndex();
  private final Thread thread;
  private final boolean subscriptionEvents;
  private String lastEventId = "earliest"; // dispatcher thread only
  private long lastDelivered; // dispatcher thread only; shared mode: the tail's last sequence
  private volatile boolean running = true;
  private volatile int subscriberCount;
  private volatile long dispatchedEvents;
  private volatile long deliveries;
  /** Why the last local history append failed; null once an append succeeds again. */
  private volatile String appendFailure;

  /**
   * @param subscriptionEvents whether to publish the protocol's private subscription events when a
   *     subscription starts or ends
   */
  public Dispatcher(History history, int queueCapacity, boolean subscriptionEvents) {
    this.history = history;
    this.shared = history instanceof SharedLog log ? log : null;
    this.subscriptionEvents = subscriptionEvents;
    this.commands = new ArrayBlockingQueue<>(queueCapacity);
    // Both read before the thread starts, so still this thread's to read.
    if (shared != null) {
      // Until the tail delivers, the id of the event at the start is unknown: "earliest" makes a
      // client that resumes from a subscriptions snapshot replay more, never less.
      lastDelivered = shared.startTail(new TailListener());
    } else {
      String restored = history.lastId();
      if (restored != null) {
        lastEventId = restored;
      }
    }
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
    if (shared == null || lastEventId == null || lastEventId.equals("earliest")) {
      submit(new Register(subscriber, lastEventId, UNRESOLVED, done), done);
      return done;
    }
    // A shared log answers over the network: the id is looked up before the command is queued,
    // so the dispatcher never waits for it.
    CompletableFuture<Long> found;
    try {
      found = shared.findSequence(lastEventId);
    } catch (RuntimeException e) {
      found = CompletableFuture.failedFuture(e);
    }
    found.whenComplete(
        (sequence, failure) -> {
          if (failure != null) {
            done.completeExceptionally(unavailable("history lookup failed", failure));
          } else {
            submit(new Register(subscriber, lastEventId, sequence, done), done);
          }
        });
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

  /**
   * Why the local history cannot append, or null while it can: set by a failed append, cleared
   * by the next one that succeeds. Any thread.
   */
  public String appendFailure() {
    return appendFailure;
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
  public void close(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    running = false;
    try {
      thread.join(Math.max(1, grace.toMillis()));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(1_000);
      }
      awaitAppends(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shared mode: lets appends already sent be answered before the log is closed under them. */
  private void awaitAppends(long deadlineNanos) throws InterruptedException {
    if (appending.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(appending.toArray(new CompletableFuture<?>[0]))
          .get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Each publisher was answered by its own future; nothing more to wait for here.
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
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
        } else if (command instanceof Deliver deliver) {
          deliver(deliver.events());
        } else if (command instanceof Gap gap) {
          gap(gap);
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
    if (shared != null) {
      appendShared(List.copyOf(publishes));
      publishes.clear();
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
      appendFailure = String.valueOf(e.getMessage());
      appendFailures.warn("history append of {} events failed: {}", events.size(), e.toString());
      HubException failure =
          new HubException(HubException.Kind.UNAVAILABLE, "history write failed: " + e.getMessage());
      publishes.forEach(p -> p.done().completeExceptionally(failure));
      publishes.clear();
      return;
    }
    appendFailure = null;
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

  /**
   * Sends the batch to the shared log and acknowledges each publish once the log has it; the
   * fan-out happens when the tail delivers the batch back, on this hub as on every other.
   */
  private void appendShared(List<Publish> batch) {
    List<Update> updates = new ArrayList<>(batch.size());
    for (Publish publish : batch) {
      updates.add(publish.update());
    }
    CompletableFuture<Long> appended;
    try {
      appended = shared.appendShared(updates);
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Long> inFlight = appended;
    appending.add(inFlight); // before the callback, which may run at once and remove it
    inFlight.whenComplete(
        (first, failure) -> {
          appending.remove(inFlight);
          if (failure != null) {
            HubException error = unavailable("shared log append failed", failure);
            batch.forEach(publish -> publish.done().completeExceptionally(error));
            return;
          }
          for (int i = 0; i < batch.size(); i++) {
            Publish publish = batch.get(i);
            publish.done().complete(
                new Event(first + i, publish.update(), publish.frame(), publish.publishedNanos()));
          }
        });
  }

  /** Shared mode: fans out what the tail read, each event once, in the log's order. */
  private void deliver(List<Event> events) {
    long offered = 0;
    int delivered = 0;
    for (Event event : events) {
      if (event.sequence() <= lastDelivered) {
        continue; // already fanned out (a tail that resumes may read its last event again)
      }
      offered += index.dispatch(event);
      lastDelivered = event.sequence();
      lastEventId = event.id();
      delivered++;
    }
    deliveries += offered;
    dispatchedEvents += delivered;
  }

  /**
   * Shared mode: events this hub never delivered are gone, so every stream that waited for them
   * ends; each client reconnects with its Last-Event-ID, which the log no longer knows, and
   * learns from {@code Last-Event-ID: earliest} that events may be missing.
   */
  private void gap(Gap gap) {
    log.warn("shared log: {}; ending {} streams so their clients resume", gap.reason(),
        index.size());
    for (Subscriber subscriber : index.all()) {
      subscriber.cut();
    }
    lastDelivered = gap.resumeAfter();
  }

  private void register(Register register, List<Publish> publishes) {
    Subscriber subscriber = register.subscriber();
    try {
      long snapshot = shared != null ? lastDelivered : history.lastSequence();
      long replayAfter = snapshot;
      String responseId = null;
      String lastEventId = register.lastEventId();
      if (lastEventId != null) {
        long known = lastEventId.equals("earliest") ? -1
            : register.resolvedSequence() != UNRESOLVED ? register.resolvedSequence()
            : history.sequenceOf(lastEventId);
        // An unknown or pruned id replays everything retained; "earliest" tells the client that
        // events may be missing between its id and the first one it gets.
        replayAfter = known < 0 ? 0 : known;
        responseId = known < 0 ? "earliest" : lastEventId;
      }
      subscriber.startReplay(history, replayAfter, snapshot);
      // A shared log may know an id this hub's tail has not delivered yet (the client saw it on a
      // hub further ahead): live events up to it are skipped instead of being sent twice.
      subscriber.lastOfferedSequence = Math.max(snapshot, replayAfter);
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

  private static HubException unavailable(String what, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof HubException e) {
      return e;
    }
    return new HubException(HubException.Kind.UNAVAILABLE, what + ": " + cause.getMessage());
  }

  /**
   * Hands what a shared log's tail read to the dispatcher thread. Runs on the tail's thread, which
   * waits for room in the queue rather than drop an event, in bounded steps so that a closing hub
   * lets it go.
   */
  private final class TailListener implements SharedLog.Listener {

    @Override
    public void deliver(List<Event> events) {
      enqueue(new Deliver(events));
    }

    @Override
    public void gap(long resumeAfter, String reason) {
      enqueue(new Gap(resumeAfter, reason));
    }

    private void enqueue(Command command) {
      try {
        while (running && !commands.offer(command, 100, TimeUnit.MILLISECONDS)) {
          // the dispatcher is busy with a burst; it frees room within a batch
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static HubException shuttingDown() {
    return new HubException(HubException.Kind.UNAVAILABLE, "hub is shutting down");
  }
}
