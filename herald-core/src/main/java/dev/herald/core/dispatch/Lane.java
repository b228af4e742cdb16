package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.history.ReplaySource;
import dev.herald.core.trace.PublishTracer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.slf4j.LoggerFactory;

/**
 * One delivery loop's share of the hub: the index of the subscribers that loop owns, and the inbox
 * through which the hub's drain hands it, in the log's order, each committed batch, each
 * registration and each publish answer for that loop. A batch is handed once per loop, however many
 * of its subscribers it reaches, and costs at most one wake-up of the loop (none when the lane is
 * already scheduled); the loop then matches it and queues each subscriber's events itself.
 *
 * <p>A registration runs here between two batches: its snapshot is the lane's own position (the
 * last event it ran), so replay up to it and live events after it leave no gap and no duplicate.
 *
 * <p>Threading: {@link #hand}, {@link #lose}, {@link #join} and {@link #snapshot} are called by the
 * hub's drain only; {@link #run} and {@link #depart} from any thread; none blocks. Everything else
 * runs in the lane's serial drain: on its loop's thread, or, for {@link DeliveryLoop#CALLER}, on
 * whichever thread scheduled it, one at a time (the atomic flag orders each drain's writes before
 * the next one's reads).
 */
final class Lane {

  private static final RateLimitedLog failures =
      new RateLimitedLog(LoggerFactory.getLogger(Lane.class));

  /**
   * Matches and offers one run of the drain performs at most before it gives its loop back to the
   * loop's sockets; counted per subscriber reached, not per command, so a batch for a hundred
   * thousand subscribers is spread over several runs.
   */
  static final int RUN_BUDGET = 16_384;

  /** Publishes queued by a subscriber that arrived or left, when subscription events are on. */
  interface Announcer {
    void announce(Subscriber subscriber, boolean active);
  }

  /**
   * @param traces each event's trace context (same index), or null when none is traced
   */
  private record Batch(List<Event> events, Object[] traces) {}

  /** A shared log lost events this hub never delivered. */
  private record Gap(long resumeAfter) {}

  private record Join(
      Subscriber subscriber,
      String lastEventId,
      long located,
      CompletableFuture<Subscription> done) {}

  private record Snapshot(
      SubscriptionsQuery query, CompletableFuture<SubscriptionPager.LanePart> done) {}

  /**
   * The lane fell too far behind: the batches after its inbox's last one are dropped until the lane
   * reaches this marker, which then cuts every stream of the lane so each client resumes from
   * history. {@code through} is the last sequence dropped; the lane claims it by setting {@link
   * #CLAIMED}, after which the drain hands batches again.
   */
  private static final class Overflow {
    static final long CLAIMED = -1;
    final AtomicLong through;

    Overflow(long through) {
      this.through = new AtomicLong(through);
    }

    /** Drops the batch ending at {@code last} too; false once the lane claimed the marker. */
    boolean extendTo(long last) {
      while (true) {
        long now = through.get();
        if (now == CLAIMED) {
          return false;
        }
        if (through.compareAndSet(now, last)) {
          return true;
        }
      }
    }
  }

  private final DeliveryLoop loop;
  private final ReplaySource replaySource;
  private final Announcer announcer;
  private final long maxBacklog;
  private final PublishTracer tracer;
  private final MpscUnboundedArrayQueue<Object> inbox = new MpscUnboundedArrayQueue<>(64);
  // Unbounded in type only: each subscriber of this lane is added at most once.
  private final ConcurrentLinkedQueue<Subscriber> departures = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drainTask = this::drain;

  /** Events handed and not yet run: what a stalled loop costs, bounded by {@code maxBacklog}. */
  private final AtomicLong backlog = new AtomicLong();

  /** The hub's drain only: the marker of a running overflow, null when none. */
  private Overflow overflow;

  // The lane's drain only.
  private final SubscriberIndex index = new SubscriberIndex();
  private long cursor; // the sequence of the last event this lane ran
  private Batch running; // a batch split over several runs of the drain
  private int runningNext;

  private volatile int subscriberCount;
  private volatile long deliveries;
  private volatile long slowCuts;

  /**
   * @param position the sequence of the last event the hub handed out before this lane existed
   * @param maxBacklog events the lane may fall behind before its streams are cut
   * @param announcer null when subscription events are off
   */
  Lane(
      DeliveryLoop loop,
      long position,
      ReplaySource replaySource,
      Announcer announcer,
      long maxBacklog,
      PublishTracer tracer) {
    this.loop = loop;
    this.tracer = tracer;
    this.cursor = position;
    this.replaySource = replaySource;
    this.announcer = announcer;
    this.maxBacklog = Math.max(1, maxBacklog);
  }

  DeliveryLoop loop() {
    return loop;
  }

  int subscriberCount() {
    return subscriberCount;
  }

  long deliveries() {
    return deliveries;
  }

  /** Subscribers this lane cut off because their queue was full. Any thread. */
  long slowCuts() {
    return slowCuts;
  }

  /**
   * The hub's drain: the next events of the log, in order, each after the last handed. Without
   * {@code wake} the lane is only scheduled by the next {@link #wake} (or its next command), so the
   * publishes of one read on another loop cost this loop one wake-up, not one each.
   *
   * @param traces each event's trace context (same index), or null when none is traced
   */
  void hand(List<Event> events, Object[] traces, boolean wake) {
    if (events.isEmpty()) {
      return;
    }
    long last = events.get(events.size() - 1).sequence();
    if (overflow != null) {
      if (overflow.extendTo(last)) {
        return;
      }
      overflow = null; // the lane caught up with the marker: hand again
    }
    if (backlog.get() + events.size() > maxBacklog) {
      overflow = new Overflow(last);
      enqueue(overflow);
      return;
    }
    backlog.addAndGet(events.size());
    inbox.offer(new Batch(events, traces));
    if (wake) {
      schedule();
    }
  }

  /** Any thread: runs what was handed without a wake-up, unless a run is on its way already. */
  void wake() {
    if (!inbox.isEmpty()) {
      schedule();
    }
  }

  /** The hub's drain: a shared log lost the events after this lane's position. */
  void lose(long resumeAfter) {
    enqueue(new Gap(resumeAfter));
  }

  /**
   * The hub's drain: registers the subscriber between two batches and sets its replay up.
   *
   * @param located the sequence of {@code lastEventId} (-1: unknown, pruned or {@code earliest});
   *     ignored when {@code lastEventId} is null
   */
  void join(
      Subscriber subscriber,
      String lastEventId,
      long located,
      CompletableFuture<Subscription> done) {
    enqueue(new Join(subscriber, lastEventId, located, done));
  }

  /** The hub's drain: this lane's part of a page of the active subscriptions. */
  void snapshot(SubscriptionsQuery query, CompletableFuture<SubscriptionPager.LanePart> done) {
    enqueue(new Snapshot(query, done));
  }

  /** Any thread: runs {@code task} on this lane's loop, after what was handed before. */
  void run(Runnable task) {
    enqueue(task);
  }

  /** Any thread: forgets the (closed) subscriber on the lane's next run. */
  void depart(Subscriber subscriber) {
    departures.add(subscriber);
    schedule();
  }

  private void enqueue(Object command) {
    inbox.offer(command);
    schedule();
  }

  private void schedule() {
    if (scheduled.get() || !scheduled.compareAndSet(false, true)) {
      return; // the running drain sees the command before it lets go
    }
    try {
      loop.execute(drainTask);
    } catch (RejectedExecutionException shutDown) {
      // The loop is gone, and its connections with it: nothing is left to deliver to.
      scheduled.set(false);
    }
  }

  private boolean hasWork() {
    return running != null || !inbox.isEmpty() || !departures.isEmpty();
  }

  /** Runs what waits, within the budget, then yields the loop (and is scheduled again). */
  private void drain() {
    int budget = loop == DeliveryLoop.CALLER ? Integer.MAX_VALUE : RUN_BUDGET;
    while (true) {
      forgetDepartures();
      budget = runInbox(budget);
      if (budget <= 0 && hasWork()) {
        try {
          loop.execute(drainTask); // keeps the flag: the next run carries on
        } catch (RejectedExecutionException shutDown) {
          scheduled.set(false);
        }
        return;
      }
      scheduled.set(false);
      // Work queued after the last look and before the flag fell found the drain busy.
      if (!hasWork() || !scheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private int runInbox(int budget) {
    while (budget > 0) {
      if (running != null) {
        budget = runBatch(budget);
        continue;
      }
      Object command = inbox.poll();
      if (command == null) {
        break;
      }
      try {
        budget -= runCommand(command);
      } catch (RuntimeException e) {
        failures.warn(
            "delivery loop {}: {} failed: {}",
            loop,
            command.getClass().getSimpleName(),
            e.toString());
      }
    }
    return budget;
  }

  /**
   * @return its cost against the budget
   */
  private int runCommand(Object command) {
    if (command instanceof Batch batch) {
      running = batch;
      runningNext = 0;
      return 0;
    } else if (command instanceof Join join) {
      join(join);
      return 1;
    } else if (command instanceof Runnable task) {
      task.run();
      return 1;
    } else if (command instanceof Overflow marker) {
      long through = marker.through.getAndSet(Overflow.CLAIMED);
      failures.warn(
          "delivery loop {} fell {} events behind; ending its {} streams so their"
              + " clients resume from history",
          loop,
          maxBacklog,
          index.size());
      return cutAll(through);
    } else if (command instanceof Gap gap) {
      int cost = cutAll(gap.resumeAfter());
      cursor = gap.resumeAfter(); // a reset log may start again below what this lane ran
      return cost;
    } else if (command instanceof Snapshot snapshot) {
      SubscriptionPager.LanePart part;
      try {
        part = SubscriptionPager.page(index.bySubscriber(), snapshot.query());
      } catch (RuntimeException e) {
        snapshot.done().completeExceptionally(e);
        throw e;
      }
      snapshot.done().complete(part);
      return part.examined();
    }
    throw new IllegalStateException("unknown command " + command);
  }

  /**
   * Offers the running batch's events to the matching subscribers until the budget is spent. A
   * failure while matching one event (a bug, an out-of-memory) cannot tell who missed it, so every
   * stream of the lane ends and its client resumes from history; the batch goes on.
   */
  private int runBatch(int budget) {
    List<Event> events = running.events();
    Object[] traces = running.traces();
    int ran = 0;
    long offered = 0;
    while (runningNext < events.size() && budget > 0) {
      Event event = events.get(runningNext++);
      ran++;
      if (event.sequence() <= cursor) {
        continue; // before a gap or an overflow this lane already ended its streams for
      }
      Object trace = traces == null ? null : traces[runningNext - 1];
      long start = trace == null ? 0 : System.nanoTime();
      int reached;
      try {
        reached = index.isEmpty() ? 0 : index.dispatch(event);
        int cuts = reached == 0 ? 0 : index.cutsOfLastDispatch();
        if (cuts > 0) {
          slowCuts += cuts; // this lane's drain is the only writer
        }
        if (trace != null) {
          tracer.fannedOut(trace, event, reached, cuts, start);
        }
      } catch (RuntimeException | Error e) { // an Error too: the loop must go on delivering
        failures.warn(
            "delivery loop {}: fan-out of event {} failed ({}); ending its {} streams"
                + " so their clients resume from history",
            loop,
            event.sequence(),
            e.toString(),
            index.size());
        reached = cutAll(event.sequence());
      }
      cursor = event.sequence();
      offered += reached;
      budget -= 1 + reached;
    }
    if (runningNext >= events.size()) {
      running = null;
      backlog.addAndGet(-events.size());
    }
    if (offered > 0) {
      deliveries += offered;
    }
    return budget;
  }

  /** Ends every stream of this lane; fan-out goes on after {@code through}. */
  private int cutAll(long through) {
    for (Subscriber subscriber : index.all()) {
      subscriber.cut();
    }
    cursor = Math.max(cursor, through);
    return index.size();
  }

  private void join(Join join) {
    Subscriber subscriber = join.subscriber();
    try {
      long snapshot = cursor;
      long replayAfter = snapshot;
      String responseId = null;
      if (join.lastEventId() != null) {
        long known = join.located();
        // An unknown or pruned id replays everything retained; "earliest" tells the client that
        // events may be missing between its id and the first one it gets.
        replayAfter = known < 0 ? 0 : known;
        responseId = known < 0 ? "earliest" : join.lastEventId();
      }
      subscriber.startReplay(replaySource, replayAfter, snapshot);
      // A shared log may know an id this hub's tail has not delivered yet (the client saw it on a
      // hub further ahead): live events up to it are skipped instead of being sent twice.
      subscriber.lastOfferedSequence = Math.max(snapshot, replayAfter);
      if (!subscriber.isClosed()) {
        index.add(subscriber);
        if (announcer != null) {
          announcer.announce(subscriber, true);
        }
      }
      subscriberCount = index.size();
      join.done().complete(new Subscription(responseId));
    } catch (RuntimeException e) {
      join.done().completeExceptionally(e);
    }
  }

  private void forgetDepartures() {
    Subscriber departed;
    boolean any = false;
    while ((departed = departures.poll()) != null) {
      if (index.remove(departed) && announcer != null) {
        announcer.announce(departed, false);
      }
      any = true;
    }
    if (any) {
      subscriberCount = index.size();
    }
  }
}
