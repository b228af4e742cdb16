package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.history.ReplaySource;
import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jctools.queues.SpscChunkedArrayQueue;

/**
 * One subscription stream: what it listens to, what it may see, and the events waiting for it.
 *
 * <p>Life cycle: REPLAYING (history up to the hub's snapshot at registration) → LIVE (the bounded
 * queue its loop's lane fills) → CLOSED. Because the lane registers the subscriber and takes the
 * snapshot in one step between two batches, replay and live never overlap and never leave a gap.
 *
 * <p>Threading: the {@link Lane} of the subscriber's {@link #loop()} calls {@link #offer} from its
 * serial drain, which runs on that loop (for {@link DeliveryLoop#CALLER}, on any one thread at a
 * time); the owner (the connection's event loop, the same one) calls {@link #drainTo} and {@link
 * #idle} and is woken by {@code wakeup} when events arrive, from the lane or from the history's
 * read executor.
 */
public final class Subscriber {

  /** Source of {@link #serial}: unique in the process. */
  private static final AtomicLong SERIALS = new AtomicLong();

  private final String id;

  /**
   * Orders subscribers that share an id (an embedding application may set its own ids) in the
   * subscriptions API's pages; unique in the process.
   */
  final long serial = SERIALS.getAndIncrement();

  private final List<TopicSelector> topics;
  private final List<TopicSelector> privateTopics;
  private final List<Object> payloads; // one per selector, each possibly null
  private final SubscriptionFormat format;
  // Grows in small chunks up to its bound, so an idle subscriber costs a few hundred bytes, not
  // the full capacity; single producer (the lane), single consumer (the owner).
  // Created by the lane on the first live event, so idle subscribers carry no queue at all.
  private volatile SpscChunkedArrayQueue<Event> live;
  private final int queueCapacity;
  private final DeliveryLoop loop;
  private final Runnable wakeup;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean overflowed;
  private volatile boolean cut;
  private volatile boolean closed;

  /**
   * The lane's drain only: the sequence last offered; only later ones are offered, so one update is
   * offered once, and none the subscriber already has.
   */
  long lastOfferedSequence;

  /** The lane's drain only: whether the lane's index holds this subscriber. */
  boolean indexed;

  /** Set by the hub's drain when it hands the subscriber to its lane; read on unregister. */
  volatile Lane lane;

  /** Slots the live queue grows by. */
  private static final int LIVE_CHUNK = 16;

  /** Events read from history at once during a replay: bounds its memory per subscriber. */
  private static final int REPLAY_CHUNK = 512;

  // Owner thread only; set by the lane before the owner first drains (the hub's completion of the
  // registration future orders the two).
  private ReplaySource history;
  private long replayAfter;
  private long replayUpTo;
  private List<Event> chunk;
  private int chunkIndex;
  private boolean readInFlight;
  private RuntimeException replayFailure;

  /** A chunk (List of events) or a RuntimeException, handed from the read executor to the owner. */
  private final AtomicReference<Object> arrived = new AtomicReference<>();

  /** True while the owner is inside the read executor's execute, which may run the read inline. */
  private volatile boolean requesting;

  /**
   * @param topics the selectors the subscriber asked for (at least one)
   * @param privateTopics the selectors of the token's {@code mercure.subscribe} claim
   * @param payload the token's {@code mercure.payload}, or null
   * @param format the shape of the protocol the subscriber spoke, in which its subscriptions are
   *     announced and listed
   * @param queueCapacity how many live events may wait before the subscriber is cut off
   * @param wakeup asks the owner to call {@link #drainTo}; called from any thread
   */
  public Subscriber(
      String id,
      List<TopicSelector> topics,
      List<TopicSelector> privateTopics,
      Object payload,
      SubscriptionFormat format,
      int queueCapacity,
      Runnable wakeup) {
    this(
        id,
        topics,
        privateTopics,
        Collections.nCopies(topics.size(), payload),
        format,
        queueCapacity,
        DeliveryLoop.CALLER,
        wakeup);
  }

  /**
   * @param payloads the payload of each subscription (one per selector, in order; null for none):
   *     draft-08 grants attach one per matcher
   * @param format the shape of the protocol the subscriber spoke, in which its subscriptions are
   *     announced and listed
   * @param loop the loop that owns the subscriber's connection, where its events are matched and
   *     queued; {@link DeliveryLoop#CALLER} when no loop owns it
   */
  public Subscriber(
      String id,
      List<TopicSelector> topics,
      List<TopicSelector> privateTopics,
      List<Object> payloads,
      SubscriptionFormat format,
      int queueCapacity,
      DeliveryLoop loop,
      Runnable wakeup) {
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("topics: empty (expected: at least one selector)");
    }
    this.id = id;
    this.topics = List.copyOf(topics);
    this.privateTopics = List.copyOf(privateTopics);
    if (payloads.size() != topics.size()) {
      throw new IllegalArgumentException(
          "payloads: "
              + payloads.size()
              + " (expected: one per"
              + " selector, "
              + topics.size()
              + ")");
    }
    this.payloads = Collections.unmodifiableList(new ArrayList<>(payloads)); // nulls allowed
    this.format = Objects.requireNonNull(format, "format");
    this.queueCapacity = Math.max(LIVE_CHUNK * 2, queueCapacity);
    this.loop = Objects.requireNonNull(loop, "loop");
    this.wakeup = wakeup;
  }

  /** The loop that owns the subscriber, on whose lane its events are matched and queued. */
  public DeliveryLoop loop() {
    return loop;
  }

  public String id() {
    return id;
  }

  /** Orders subscribers sharing an id in the subscriptions API; unique in the process. */
  public long serial() {
    return serial;
  }

  public List<TopicSelector> topics() {
    return topics;
  }

  /** The payload of the first subscription, or null. */
  public Object payload() {
    return payloads.get(0);
  }

  /** The payload of the subscription made of {@code topics().get(index)}, or null. */
  public Object payloadOf(int index) {
    return payloads.get(index);
  }

  /** The shape of the protocol the subscriber spoke, for its subscriptions. */
  public SubscriptionFormat format() {
    return format;
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

  /**
   * True once the stream must end so that its client reconnects with Last-Event-ID: its queue
   * overflowed, or the hub lost events it was waiting for.
   */
  public boolean mustReconnect() {
    return overflowed || cut;
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * The lane's drain: sets where replay starts and ends. Events pruned from history while the
   * replay reads them end the stream instead of being skipped: the client then resumes from an id
   * history no longer knows, and learns of the gap from {@code earliest}. Only a replay from
   * sequence 0 (after {@code earliest}) may start past its first wanted event.
   */
  void startReplay(ReplaySource source, long afterSequence, long upToSequence) {
    this.history = source;
    this.replayAfter = afterSequence;
    this.replayUpTo = upToSequence;
  }

  /** The lane's drain: the hub lost events this subscriber waited for; its owner must end it. */
  void cut() {
    cut = true;
    signal();
  }

  /**
   * The lane's drain: queues a live event; never blocks.
   *
   * @return false when this event found the queue full and cut the subscriber off
   */
  boolean offer(Event event) {
    // Nothing after a gap: the client's last id must stay before it, so it learns of the gap.
    if (closed || overflowed || cut) {
      return true;
    }
    SpscChunkedArrayQueue<Event> queue = live;
    if (queue == null) {
      queue = new SpscChunkedArrayQueue<>(LIVE_CHUNK, queueCapacity);
      live = queue;
    }
    boolean queued = queue.offer(event);
    if (!queued) {
      // Slow consumer: dropping events would lose them silently, so cut the stream instead; the
      // client reconnects with Last-Event-ID and resumes from history.
      overflowed = true;
    }
    signal();
    return queued;
  }

  /**
   * Owner thread: hands at most {@code max} pending events to {@code out}, replayed history first.
   * History is read a chunk at a time on the store's read executor, one chunk in flight, so a large
   * backlog streams with bounded memory and never blocks the owner.
   *
   * @return how many events were handed out; 0 when nothing is ready right now (the owner is woken
   *     when more is)
   */
  public int drainTo(Consumer<Event> out, int max) {
    int handed = 0;
    while (handed < max && replayAfter < replayUpTo) {
      if (chunk != null && chunkIndex < chunk.size()) {
        Event event = chunk.get(chunkIndex);
        // After the first event (or a known id) sequences are contiguous, so a jump is a loss.
        if (replayAfter > 0 && event.sequence() != replayAfter + 1) {
          replayFailure = trimmedDuringReplay(event.sequence() - 1);
          return handed;
        }
        chunkIndex++;
        replayAfter = event.sequence();
        // Authorization is checked per replayed event, against the token of this connection.
        if (canSee(event.update())) {
          out.accept(event);
          handed++;
        }
        continue;
      }
      chunk = null;
      Object result = arrived.getAndSet(null);
      if (result == null) {
        if (readInFlight) {
          return handed;
        }
        requestChunk();
        continue;
      }
      readInFlight = false;
      if (result instanceof RuntimeException e) {
        replayFailure = e;
        return handed;
      }
      @SuppressWarnings("unchecked")
      List<Event> events = (List<Event>) result;
      if (events.isEmpty()) {
        if (replayAfter > 0) { // everything up to the snapshot existed: the rest was pruned
          replayFailure = trimmedDuringReplay(replayUpTo);
          return handed;
        }
        replayAfter = replayUpTo; // the rest was pruned meanwhile
      } else {
        chunk = events;
        chunkIndex = 0;
      }
    }
    if (replayAfter < replayUpTo) {
      return handed;
    }
    SpscChunkedArrayQueue<Event> queue = live;
    if (queue == null) {
      return handed;
    }
    while (handed < max) {
      Event event = queue.poll();
      if (event == null) {
        break;
      }
      out.accept(event);
      handed++;
    }
    return handed;
  }

  private void requestChunk() {
    readInFlight = true;
    long after = replayAfter;
    long upTo = replayUpTo;
    requesting = true;
    try {
      history
          .readExecutor()
          .execute(
              () -> {
                Object result;
                try {
                  result = history.read(after, upTo, REPLAY_CHUNK);
                } catch (RuntimeException e) {
                  result = e;
                }
                arrived.set(result);
                if (!requesting) {
                  signal(); // read finished on another thread: wake the owner
                }
              });
    } catch (RuntimeException rejected) {
      arrived.set(rejected);
    } finally {
      requesting = false;
    }
  }

  private HubException trimmedDuringReplay(long lastLost) {
    return new HubException(
        HubException.Kind.UNAVAILABLE,
        "events "
            + (replayAfter + 1)
            + ".."
            + lastLost
            + " were pruned from history before they could be replayed");
  }

  /** The error that stopped the replay, or null; the owner must close the stream when set. */
  public RuntimeException replayFailure() {
    return replayFailure;
  }

  /**
   * Owner thread: the owner drained everything and goes idle; the next offer wakes it again. The
   * re-check closes the race with an offer that saw the owner still scheduled.
   */
  public void idle() {
    scheduled.set(false);
    SpscChunkedArrayQueue<Event> queue = live;
    if ((queue != null && !queue.isEmpty()) || overflowed || cut || arrived.get() != null) {
      signal();
    }
  }

  /**
   * Any thread: no more events will be queued. The hub forgets the subscriber soon after, and
   * whatever was queued goes with it.
   */
  public void close() {
    closed = true;
  }

  private void signal() {
    if (scheduled.compareAndSet(false, true)) {
      wakeup.run();
    }
  }
}
