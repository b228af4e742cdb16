package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.history.History;
import dev.herald.core.topic.TopicSelector;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One subscription stream: what it listens to, what it may see, and the events waiting for it.
 *
 * <p>Life cycle: REPLAYING (history up to the hub's snapshot at registration) → LIVE (the bounded
 * queue the dispatcher fills) → CLOSED. Because the dispatcher registers the subscriber and takes
 * the snapshot in one step, replay and live never overlap and never leave a gap.
 *
 * <p>Threading: the hub's dispatcher calls {@link #offer}; the owner (the connection's event loop)
 * calls {@link #drainTo} and {@link #idle} and is woken by {@code wakeup} when events arrive.
 */
public final class Subscriber {

  private final String id;
  private final List<TopicSelector> topics;
  private final List<TopicSelector> privateTopics;
  private final Object payload;
  private final ArrayBlockingQueue<Event> live;
  private final Runnable wakeup;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean overflowed;
  private volatile boolean closed;

  /** Dispatcher thread only: the sequence last offered, so one update is offered once. */
  long lastOfferedSequence;

  /** Dispatcher thread only: whether the index holds this subscriber. */
  boolean indexed;

  // Owner thread only; set by the dispatcher before the owner first drains (the hub's completion
  // of the registration future orders the two).
  private History history;
  private long replayAfter;
  private long replayUpTo;

  /**
   * @param topics the selectors the subscriber asked for (at least one)
   * @param privateTopics the selectors of the token's {@code mercure.subscribe} claim
   * @param payload the token's {@code mercure.payload}, or null
   * @param queueCapacity how many live events may wait before the subscriber is cut off
   * @param wakeup asks the owner to call {@link #drainTo}; called from the dispatcher thread
   */
  public Subscriber(
      String id,
      List<TopicSelector> topics,
      List<TopicSelector> privateTopics,
      Object payload,
      int queueCapacity,
      Runnable wakeup) {
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("topics: empty (expected: at least one selector)");
    }
    this.id = id;
    this.topics = List.copyOf(topics);
    this.privateTopics = List.copyOf(privateTopics);
    this.payload = payload;
    this.live = new ArrayBlockingQueue<>(queueCapacity);
    this.wakeup = wakeup;
  }

  public String id() {
    return id;
  }

  public List<TopicSelector> topics() {
    return topics;
  }

  public Object payload() {
    return payload;
  }

  /** True if the update matches one of the subscriber's selectors and it may read it. */
  public boolean canSee(Update update) {
    return TopicSelector.anyMatches(topics, update.topics()) && mayRead(update);
  }

  /** Private updates need one of their topics to match a selector of the token's claim. */
  public boolean mayRead(Update update) {
    return !update.isPrivate() || TopicSelector.anyMatches(privateTopics, update.topics());
  }

  /** True once the live queue overflowed: the owner must close the stream. */
  public boolean overflowed() {
    return overflowed;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Dispatcher thread: sets where replay starts and ends. */
  void startReplay(History source, long afterSequence, long upToSequence) {
    this.history = source;
    this.replayAfter = afterSequence;
    this.replayUpTo = upToSequence;
  }

  /** Dispatcher thread: queues a live event; never blocks. */
  void offer(Event event) {
    if (closed || overflowed) {
      return;
    }
    if (!live.offer(event)) {
      // Slow consumer: dropping events would lose them silently, so cut the stream instead; the
      // client reconnects with Last-Event-ID and resumes from history.
      overflowed = true;
    }
    signal();
  }

  /**
   * Owner thread: hands at most {@code max} pending events to {@code out}, replayed history first.
   *
   * @return how many events were handed out; 0 when nothing is pending right now
   */
  public int drainTo(Consumer<Event> out, int max) {
    int handed = 0;
    while (replayAfter < replayUpTo && handed < max) {
      List<Event> chunk = history.read(replayAfter, replayUpTo, max - handed);
      if (chunk.isEmpty()) {
        replayAfter = replayUpTo;
        break;
      }
      for (Event event : chunk) {
        replayAfter = event.sequence();
        if (canSee(event.update())) {
          out.accept(event);
          handed++;
        }
      }
    }
    while (handed < max) {
      Event event = live.poll();
      if (event == null) {
        break;
      }
      out.accept(event);
      handed++;
    }
    return handed;
  }

  /** True while replayed or live events are waiting. Owner thread. */
  public boolean hasPending() {
    return replayAfter < replayUpTo || !live.isEmpty();
  }

  /**
   * Owner thread: the owner drained everything and goes idle; the next offer wakes it again. The
   * re-check closes the race with an offer that saw the owner still scheduled.
   */
  public void idle() {
    scheduled.set(false);
    if (!live.isEmpty() || overflowed) {
      signal();
    }
  }

  /** Any thread: no more events will be queued. The hub forgets the subscriber soon after. */
  public void close() {
    closed = true;
    live.clear();
  }

  private void signal() {
    if (scheduled.compareAndSet(false, true)) {
      wakeup.run();
    }
  }
}
