package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.history.History;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The single writer of the hub's state: it orders publishes, appends them to history and fans
 * them out, and registers subscribers between two publishes, so "register + snapshot" is atomic
 * without a lock any event loop could wait on.
 *
 * <p>Threading: {@code publish}, {@code register} and {@code unregister} may be called from any
 * thread; they enqueue a command and wake the dispatcher thread, which owns the index and history
 * writes. The command queue is bounded: when it is full, callers get a 503 instead of waiting.
 */
public final class Dispatcher implements AutoCloseable {

  private static final Command WAKE = new Command(() -> {}, new CompletableFuture<>());

  /** Work for the dispatcher thread, with the future to fail if it never runs. */
  private record Command(Runnable action, CompletableFuture<?> done) {
    void run() {
      try {
        action.run();
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }
  }

  private final History history;
  private final BlockingQueue<Command> commands;
  // Unbounded in type only: each registered subscriber is added at most once.
  private final ConcurrentLinkedQueue<Subscriber> departures = new ConcurrentLinkedQueue<>();
  private final SubscriberIndex index = new SubscriberIndex();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int subscriberCount;
  private volatile long dispatchedEvents;
  private volatile long deliveries;

  public Dispatcher(History history, int queueCapacity) {
    this.history = history;
    this.commands = new ArrayBlockingQueue<>(queueCapacity);
    this.thread = new Thread(this::run, "herald-dispatcher");
    thread.setDaemon(true);
    thread.start();
  }

  /** Assigns the next sequence, stores the event and offers it to every matching subscriber. */
  public CompletableFuture<Event> publish(Update update, byte[] frame) {
    CompletableFuture<Event> done = new CompletableFuture<>();
    submit(
        () -> {
          Event event = new Event(history.lastSequence() + 1, update, frame);
          history.append(event);
          deliveries += index.dispatch(event);
          dispatchedEvents++;
          done.complete(event);
        },
        done);
    return done;
  }

  /**
   * Registers the subscriber and sets up its replay: events after {@code lastEventId} (null for
   * none, {@code earliest} for everything retained) up to the last event stored at this moment.
   */
  public CompletableFuture<Subscription> register(Subscriber subscriber, String lastEventId) {
    CompletableFuture<Subscription> done = new CompletableFuture<>();
    submit(
        () -> {
          long snapshot = history.lastSequence();
          long replayAfter = snapshot;
          String responseId = null;
          if (lastEventId != null) {
            long known = lastEventId.equals("earliest") ? -1 : history.sequenceOf(lastEventId);
            // An unknown or pruned id replays everything retained; "earliest" tells the client
            // that events may be missing between its id and the first one it gets.
            replayAfter = known < 0 ? 0 : known;
            responseId = known < 0 ? "earliest" : lastEventId;
          }
          subscriber.startReplay(history, replayAfter, snapshot);
          subscriber.lastOfferedSequence = snapshot;
          if (!subscriber.isClosed()) {
            index.add(subscriber);
          }
          subscriberCount = index.size();
          done.complete(new Subscription(responseId));
        },
        done);
    return done;
  }

  /** Closes the subscriber at once and forgets it on the dispatcher thread soon after. */
  public void unregister(Subscriber subscriber) {
    subscriber.close();
    departures.add(subscriber);
    commands.offer(WAKE); // if full, the dispatcher is busy and sees the departure next turn
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

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void submit(Runnable command, CompletableFuture<?> done) {
    if (!running) {
      done.completeExceptionally(
          new HubException(HubException.Kind.UNAVAILABLE, "hub is shutting down"));
    } else if (!commands.offer(new Command(command, done))) {
      done.completeExceptionally(
          new HubException(
              HubException.Kind.UNAVAILABLE,
              "hub overloaded: " + commands.size() + " commands waiting (try again later)"));
    }
  }

  private void run() {
    while (running) {
      Command command;
      try {
        command = commands.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      forgetDepartures();
      if (command != null) {
        command.run();
      }
    }
    failPending();
  }

  private void forgetDepartures() {
    Subscriber departed;
    while ((departed = departures.poll()) != null) {
      index.remove(departed);
    }
    subscriberCount = index.size();
  }

  private void failPending() {
    Command pending;
    while ((pending = commands.poll()) != null) {
      pending.done().completeExceptionally(
          new HubException(HubException.Kind.UNAVAILABLE, "hub is shutting down"));
    }
  }
}
