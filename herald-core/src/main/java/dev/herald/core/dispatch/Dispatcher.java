package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.EventIds;
import dev.herald.core.HubException;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Readiness;
import dev.herald.core.Update;
import dev.herald.core.history.History;
import dev.herald.core.history.SharedLog;
import dev.herald.core.topic.TopicSelector;
import dev.herald.core.trace.PublishTracer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the hub's order: it gives publishes their sequences through its {@link
 * Sequencer}, hands each committed batch to every delivery loop's {@link Lane} once, and routes
 * registrations and publish answers to the loop that owns them. Matching an event against the
 * subscribers and queueing it for them is the lanes' work, each on its own loop, so the serial part
 * of a publish is "next sequence + append + hand out".
 *
 * <p><b>A serial drain instead of a thread.</b> Callers enqueue a command, then whoever finds the
 * drain idle runs it: the caller itself when the sequencer {@linkplain Sequencer#neverBlocks()
 * never blocks} (a memory history, a shared log), otherwise the dispatcher thread. A publish on an
 * event loop is then ordered and stored on that loop, with no hand-off and no wake-up of another
 * thread, and answered inside the read that brought it. A caller drains at most {@value
 * #INLINE_BATCH} commands, then hands the rest to the dispatcher thread, so a burst never holds an
 * event loop for long. Only one drain runs at a time (an atomic flag, which also orders every
 * drain's writes before the next one's reads), so everything the drain owns is single-threaded.
 *
 * <p>Publishes that wait together are sequenced as one batch (one commit for a durable store: group
 * commit); while the dispatcher thread commits the next batch, the loops fan out the last one.
 * Subscription events, when enabled, are published like any update.
 *
 * <p>Threading: {@code publish}, {@code register} and {@code unregister} may be called from any
 * thread and never block. The command queue is bounded: when it is full, callers get a 503 instead
 * of waiting; only a shared log's tail waits for room, as what it read must not be dropped.
 */
public final class Dispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final RateLimitedLog announceFailures = new RateLimitedLog(log);

  /** Commands taken from the queue at once on the dispatcher thread; also the largest batch. */
  private static final int MAX_BATCH = 1_024;

  /**
   * Commands a caller's thread drains at most before it hands the rest to the dispatcher thread.
   */
  static final int INLINE_BATCH = 64;

  private sealed interface Command permits PublishCommand, Register, Snapshot, Deliver, Lost {}

  private record PublishCommand(Publish publish) implements Command {}

  /**
   * @param located the sequence of {@code lastEventId} once the sequencer found it (-1: unknown),
   *     or null before it was looked up
   */
  private record Register(
      Subscriber subscriber, String lastEventId, Long located, CompletableFuture<Subscription> done)
      implements Command {}

  /** Events a shared log's tail read, to fan out in the log's order. */
  private record Deliver(List<Event> events, Object[] traces) implements Command {}

  /** The log lost events: everyone waiting for them must reconnect. */
  private record Lost(long resumeAfter, String reason) implements Command {}

  private record Snapshot(SubscriptionsQuery query, CompletableFuture<SubscriptionsPage> done)
      implements Command {}

  private final Sequencer sequencer;
  private final MpscArrayQueue<Command> commands;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final boolean drainOnCaller;
  private final ExecutorService thread;
  private final Runnable drainOnThread = () -> drain(MAX_BATCH);
  private final Runnable scheduleTask = this::schedule;
  private final Runnable wakeLanes = this::wakeLanes;

  /** Whether a {@link #wakeLanes} task is on its way. */
  private final AtomicBoolean wakeQueued = new AtomicBoolean();

  private final Lane.Announcer announcer;
  private final boolean subscriptionEvents;
  private final PublishTracer tracer;

  /** Told of every subscriber that joins or leaves a lane; null for none. */
  private volatile SubscriptionListener listener;

  /** How far one loop may fall behind before its streams are cut: as many as may wait here. */
  private final long laneBacklog;

  /** Every loop's lane; created on the drain only, looked up from any thread. */
  private final Map<DeliveryLoop, Lane> lanes = new ConcurrentHashMap<>();

  // The drain's own state: only the thread holding {@code draining} touches it.
  private final List<Command> batch = new ArrayList<>(MAX_BATCH);
  private final List<Publish> publishes = new ArrayList<>(MAX_BATCH);
  private Lane[] handOutTo = new Lane[0];

  /** The event loop this drain runs on, inline; null on the dispatcher thread or a log's. */
  private DeliveryLoop drainingOn;

  private long lastFannedOut; // the sequence of the last event handed out

  private volatile String lastEventId = "earliest";
  private volatile boolean running = true;
  private volatile long dispatchedEvents;

  /** A hub on its own: its history orders and keeps the events. */
  public Dispatcher(
      History history, int queueCapacity, boolean subscriptionEvents, PublishTracer tracer) {
    this(new LocalLog(history, tracer), queueCapacity, subscriptionEvents, tracer);
  }

  /** One hub of a cluster: the shared log orders the events, its tail delivers them here. */
  public Dispatcher(
      SharedLog log, int queueCapacity, boolean subscriptionEvents, PublishTracer tracer) {
    this(new SharedLogTail(log, tracer), queueCapacity, subscriptionEvents, tracer);
  }

  /**
   * @param subscriptionEvents whether to publish the protocol's private subscription events when a
   *     subscription starts or ends
   */
  private Dispatcher(
      Sequencer sequencer, int queueCapacity, boolean subscriptionEvents, PublishTracer tracer) {
    this.sequencer = sequencer;
    this.tracer = tracer;
    this.subscriptionEvents = subscriptionEvents;
    this.announcer = this::announce;
    this.laneBacklog = Math.max(2, queueCapacity);
    this.commands = new MpscArrayQueue<>(Math.max(2, queueCapacity));
    this.drainOnCaller = sequencer.neverBlocks();
    this.thread =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "herald-dispatcher");
              t.setDaemon(true);
              return t;
            });
    Sequencer.Start start = sequencer.start(new Fanout());
    lastFannedOut = start.sequence();
    if (start.id() != null) {
      lastEventId = start.id();
    }
  }

  /** Gives the update the next place in the hub's order, stores it and fans it out. */
  public CompletableFuture<Event> publish(Update update) {
    return publish(update, null);
  }

  /**
   * As {@link #publish(Update)}, answered on {@code replyOn}: the future completes on that loop
   * (with the answers of the same batch for that loop in one task), or at once when the drain runs
   * there; null completes it wherever the batch is committed.
   */
  public CompletableFuture<Event> publish(Update update, DeliveryLoop replyOn) {
    return publish(update, replyOn, true);
  }

  /**
   * As {@link #publish(Update, DeliveryLoop)}; {@code idChosen} false when the id was generated for
   * this publish, which therefore cannot be the retry of a stored one (no lookup).
   */
  public CompletableFuture<Event> publish(Update update, DeliveryLoop replyOn, boolean idChosen) {
    CompletableFuture<Event> done = new CompletableFuture<>();
    // On the publisher's thread: the tracer reads its context from there.
    Object trace = tracer.accepted(update);
    // Taken here, on the publisher's thread, so latency figures include the wait in the queue.
    submit(
        new PublishCommand(new Publish(update, System.nanoTime(), done, replyOn, trace, idChosen)),
        done);
    return done;
  }

  /**
   * Registers the subscriber and sets up its replay: events after {@code lastEventId} (null for
   * none, {@code earliest} for everything retained) up to the last event fanned out at this moment.
   */
  public CompletableFuture<Subscription> register(Subscriber subscriber, String lastEventId) {
    CompletableFuture<Subscription> done = new CompletableFuture<>();
    submit(new Register(subscriber, lastEventId, null, done), done);
    return done;
  }

  /**
   * One page of the active subscriptions (one per selector of each registered subscriber): each
   * loop looks at a bounded number of its own, after the query's cursor, on its own thread.
   */
  public CompletableFuture<SubscriptionsPage> subscriptions(SubscriptionsQuery query) {
    CompletableFuture<SubscriptionsPage> done = new CompletableFuture<>();
    submit(new Snapshot(query, done), done);
    return done;
  }

  /**
   * Tells {@code listener} of every subscriber that joins or leaves from now on (null: nobody); set
   * it before subscribers arrive, or it hears departures of subscribers it never saw join.
   */
  public void listen(SubscriptionListener listener) {
    this.listener = listener;
  }

  /** Closes the subscriber at once and forgets it on its loop soon after. */
  public void unregister(Subscriber subscriber) {
    subscriber.close();
    // Not joined yet: the drain sees the subscriber closed when it joins it to a lane.
    Lane lane = subscriber.lane;
    if (lane != null) {
      lane.depart(subscriber);
    }
  }

  public int subscriberCount() {
    int count = 0;
    for (Lane lane : lanes.values()) {
      count += lane.subscriberCount();
    }
    return count;
  }

  public long dispatchedEvents() {
    return dispatchedEvents;
  }

  /** How many times an event was queued for a subscriber, in total. */
  public long deliveries() {
    long count = 0;
    for (Lane lane : lanes.values()) {
      count += lane.deliveries();
    }
    return count;
  }

  /** Subscribers cut off because their queue was full, in total. Any thread. */
  public long slowCuts() {
    long count = 0;
    for (Lane lane : lanes.values()) {
      count += lane.slowCuts();
    }
    return count;
  }

  /** How many loops deliver events: one per loop that ever had a subscriber or publisher. */
  public int deliveryLoops() {
    return lanes.size();
  }

  /** The id of the last event fanned out, or {@code earliest} when none is known. Any thread. */
  public String lastEventId() {
    return lastEventId;
  }

  /** Whether the log can take publishes and serve subscribers. Any thread. */
  public Readiness readiness() {
    return sequencer.readiness();
  }

  /** Events retained for reconnecting subscribers; -1 when the log cannot tell. Any thread. */
  public long retained() {
    return sequencer.retained();
  }

  /**
   * How long this hub has been behind the shared log it tails, in nanoseconds (0 while it keeps
   * up); -1 for a hub with a history of its own. Any thread.
   */
  public long tailLagNanos() {
    return sequencer.tailLagNanos();
  }

  /**
   * True while the hub's order is being worked on by some thread (a drain runs: on the dispatcher
   * thread, a log's tail or another loop) or a shared log has appends in flight: what a busy event
   * loop waits for before it can deliver or answer more. Any thread; a moment's answer.
   */
  public boolean ordering() {
    return draining.get() || sequencer.appending();
  }

  /**
   * Stops taking commands, finishes those already queued (so accepted publishes are stored and
   * acknowledged), waits up to {@code grace} for them and for appends in flight, then closes the
   * log; whatever is still queued after that fails with 503.
   */
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return; // closed already: an embedder's close and then its server's, say
    }
    long deadline = System.nanoTime() + grace.toNanos();
    running = false;
    thread.execute(this::finish);
    thread.shutdown();
    try {
      if (!thread.awaitTermination(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS)) {
        thread.shutdownNow();
        thread.awaitTermination(1, TimeUnit.SECONDS);
      }
      sequencer.awaitAppends(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failPending();
    sequencer.close();
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
    } else if (!drainOnCaller
        && command instanceof PublishCommand publish
        && publish.publish().replyOn() != null
        && publish.publish().replyOn().inLoop()) {
      // Published on an event loop, stored on the dispatcher thread: wake that thread once the
      // loop has read everything it has, so the publishes of one read (a publisher's pipelined
      // requests) are committed together: one commit, their answers in one task and one send.
      try {
        publish.publish().replyOn().execute(scheduleTask);
      } catch (RejectedExecutionException loopClosing) {
        schedule();
      }
    } else if (command instanceof PublishCommand publish) {
      DeliveryLoop here = publish.publish().replyOn();
      schedule(here != null && here.inLoop() ? here : null);
    } else {
      schedule();
    }
  }

  /** Starts a drain unless one runs: here when the sequencer never blocks, else on the thread. */
  private void schedule() {
    schedule(null);
  }

  /**
   * As {@link #schedule()}, from a caller on {@code here}, an event loop (null: any other thread):
   * a drain run there wakes the other loops once that loop is done with its current read, not once
   * per publish of the read.
   */
  private void schedule(DeliveryLoop here) {
    if (draining.get() || !draining.compareAndSet(false, true)) {
      return; // the running drain sees the command before it lets go
    }
    if (drainOnCaller) {
      drainingOn = here;
      drain(INLINE_BATCH);
    } else {
      handOff();
    }
  }

  private void handOff() {
    try {
      thread.execute(drainOnThread);
    } catch (RejectedExecutionException closing) {
      draining.set(false); // closed: close's own pass finishes what is queued
    }
  }

  /** Closing: one last pass on the dispatcher thread, once any other drain let go. */
  private void finish() {
    for (int spins = 0; !draining.compareAndSet(false, true); spins++) {
      if (spins > 10_000) {
        return; // a drain is stuck; close fails what is left after the grace period
      }
      LockSupport.parkNanos(100_000);
    }
    drain(Integer.MAX_VALUE);
  }

  /**
   * Runs commands until none are left, or until {@code budget} were run and the rest goes to the
   * dispatcher thread. The caller holds {@code draining}; this lets go of it.
   */
  private void drain(int budget) {
    int ran = 0;
    try {
      while (true) {
        ran += runBatch(Math.min(MAX_BATCH, budget - ran));
        boolean more = !commands.isEmpty();
        if (more && ran >= budget) {
          drainingOn = null;
          handOff(); // keeps draining set: the dispatcher thread carries on
          return;
        }
        if (!more) {
          drainingOn = null;
          draining.set(false);
          // A command queued after the last look and before the flag fell found the drain busy.
          if (commands.isEmpty() || !draining.compareAndSet(false, true)) {
            return;
          }
        }
      }
    } catch (RuntimeException | Error e) {
      log.error("dispatcher drain failed; carrying on", e);
      HubException failure =
          new HubException(HubException.Kind.UNAVAILABLE, "dispatch failed: " + e);
      publishes.forEach(p -> p.done().completeExceptionally(failure));
      publishes.clear();
      batch.clear();
      drainingOn = null;
      draining.set(false);
      if (!commands.isEmpty()) {
        schedule();
      }
    }
  }

  private int runBatch(int max) {
    int taken = commands.drain(batch::add, Math.max(1, max));
    for (Command command : batch) {
      if (command instanceof PublishCommand publish) {
        publishes.add(publish.publish());
      } else if (command instanceof Register register) {
        // Publishes queued before the registration belong before its snapshot.
        commit();
        register(register);
      } else if (command instanceof Snapshot snapshot) {
        commit();
        snapshot(snapshot.query(), snapshot.done());
      } else if (command instanceof Deliver deliver) {
        commit();
        handOut(deliver.events(), deliver.traces());
      } else if (command instanceof Lost lost) {
        commit();
        lost(lost);
      }
    }
    batch.clear();
    commit();
    return Math.max(1, taken);
  }

  private void commit() {
    if (publishes.isEmpty()) {
      return;
    }
    try {
      sequencer.append(publishes);
    } finally {
      publishes.clear();
    }
  }

  /**
   * Hands events to every loop, in the log's order, each once. A loop that cannot take them (a bug,
   * an out-of-memory) loses them: its streams end so their clients resume from history.
   */
  private void handOut(List<Event> events, Object[] traces) {
    List<Event> fresh = events;
    int skip = 0;
    while (skip < events.size() && events.get(skip).sequence() <= lastFannedOut) {
      skip++; // already handed out (a tail that resumes may read its last event again)
    }
    if (skip == events.size()) {
      return;
    }
    if (skip > 0) {
      fresh = List.copyOf(events.subList(skip, events.size()));
      traces = traces == null ? null : Arrays.copyOfRange(traces, skip, traces.length);
    }
    Event last = fresh.get(fresh.size() - 1);
    lastFannedOut = last.sequence();
    lastEventId = last.id();
    dispatchedEvents += fresh.size();
    DeliveryLoop here = drainingOn;
    boolean wakeLater = false;
    for (Lane lane : handOutTo) {
      // Another loop is woken once this loop has read and written what it has: once for all those
      // publishes, and never in the middle of this loop's round when the two share a core.
      boolean later = here != null && !lane.loop().equals(here);
      try {
        lane.hand(fresh, traces, !later);
        wakeLater |= later;
      } catch (RuntimeException | Error e) {
        log.error("handing events to delivery loop {} failed; its streams end", lane.loop(), e);
        lane.lose(last.sequence());
      }
    }
    if (wakeLater && !wakeQueued.getAndSet(true)) {
      try {
        // After this read, once this loop's lane queued its writes: behind them.
        here.execute(() -> here.executeAfterWrites(wakeLanes));
      } catch (RuntimeException loopClosing) {
        wakeLanes.run();
      }
    }
  }

  /** Wakes every loop with work handed to it and no wake-up on the way. Any thread. */
  private void wakeLanes() {
    wakeQueued.set(false);
    for (Lane lane : lanes.values()) {
      lane.wake();
    }
  }

  /**
   * The log lost events this hub never handed out, so every stream that waited for them ends; each
   * client reconnects with its Last-Event-ID, which the log no longer knows, and learns from {@code
   * Last-Event-ID: earliest} that events may be missing.
   */
  private void lost(Lost lost) {
    log.warn(
        "shared log: {}; ending {} streams so their clients resume",
        lost.reason(),
        subscriberCount());
    for (Lane lane : handOutTo) {
      lane.lose(lost.resumeAfter());
    }
    lastFannedOut = lost.resumeAfter();
  }

  /**
   * Gathers every loop's part of a page; the id is the position they are all consistent with. The
   * parts are merged on the thread that completes the last one: at most loops × limit entries.
   */
  private void snapshot(SubscriptionsQuery query, CompletableFuture<SubscriptionsPage> done) {
    String at = lastEventId;
    List<CompletableFuture<SubscriptionPager.LanePart>> parts = new ArrayList<>(handOutTo.length);
    for (Lane lane : handOutTo) {
      CompletableFuture<SubscriptionPager.LanePart> part = new CompletableFuture<>();
      lane.snapshot(query, part);
      parts.add(part);
    }
    CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                done.completeExceptionally(failure);
                return;
              }
              List<SubscriptionPager.LanePart> answered = new ArrayList<>(parts.size());
              parts.forEach(part -> answered.add(part.join()));
              try {
                done.complete(SubscriptionPager.merge(answered, query.limit(), at));
              } catch (RuntimeException e) {
                done.completeExceptionally(e); // else the request would wait forever
              }
            });
  }

  /** The lane of {@code loop}, created on first use at the position handed out so far. */
  private Lane laneFor(DeliveryLoop loop) {
    Lane lane = lanes.get(loop);
    if (lane == null) {
      lane =
          new Lane(loop, lastFannedOut, sequencer.replaySource(), announcer, laneBacklog, tracer);
      lanes.put(loop, lane);
      Lane[] grown = Arrays.copyOf(handOutTo, handOutTo.length + 1);
      grown[handOutTo.length] = lane;
      handOutTo = grown;
    }
    return lane;
  }

  private void register(Register register) {
    String lastEventId = register.lastEventId();
    boolean needsLookup = lastEventId != null && !lastEventId.equals("earliest");
    if (needsLookup && register.located() == null) {
      locateThenRegister(register);
      return;
    }
    Subscriber subscriber = register.subscriber();
    Lane lane = laneFor(subscriber.loop());
    subscriber.lane = lane;
    lane.join(subscriber, lastEventId, needsLookup ? register.located() : -1, register.done());
  }

  /**
   * Looks the last event id up without blocking the drain: a local log answers at once and the
   * registration goes on; a shared log answers later and the registration is queued again then.
   */
  private void locateThenRegister(Register register) {
    CompletableFuture<Long> found;
    try {
      found = sequencer.find(register.lastEventId());
    } catch (RuntimeException e) {
      found = CompletableFuture.failedFuture(e);
    }
    if (found.isDone() && !found.isCompletedExceptionally()) {
      register(withLocation(register, found.join()));
      return;
    }
    found.whenComplete(
        (sequence, failure) -> {
          if (failure != null) {
            register
                .done()
                .completeExceptionally(SharedLogTail.unavailable("history lookup failed", failure));
          } else {
            submit(withLocation(register, sequence), register.done());
          }
        });
  }

  private static Register withLocation(Register register, long sequence) {
    return new Register(register.subscriber(), register.lastEventId(), sequence, register.done());
  }

  /**
   * A lane's subscriber arrived or left: its private subscription events are published like any
   * update, from the subscriber's loop. When the hub is too busy to take them, they are dropped
   * with a warning rather than wait on a loop.
   */
  private void announce(Subscriber subscriber, boolean active) {
    SubscriptionListener told = listener;
    if (told != null) {
      try {
        told.changed(subscriber, active);
      } catch (RuntimeException e) {
        announceFailures.warn("subscription listener failed for {}: {}", subscriber.id(), e);
      }
    }
    if (!subscriptionEvents) {
      return;
    }
    SubscriptionFormat format = subscriber.format();
    List<TopicSelector> selectors = subscriber.topics();
    for (int i = 0; i < selectors.size(); i++) {
      ActiveSubscription subscription =
          new ActiveSubscription(
              selectors.get(i), subscriber.id(), subscriber.payloadOf(i), active, format);
      Update update =
          new Update(
              List.of(subscription.id()),
              subscription.toJson(),
              true,
              EventIds.next(),
              format.eventType(),
              null);
      publish(update, null, false)
          .whenComplete(
              (event, failure) -> {
                if (failure != null && running) { // a closing hub drops them with its streams
                  announceFailures.warn(
                      "subscription event for {} not published: {}",
                      subscriber.id(),
                      failure.getMessage());
                }
              });
    }
  }

  /**
   * Completes each publish with its event: on its publisher's loop, one task per loop for the whole
   * batch, queued behind the batch on that loop's lane; at once when already there. Any thread.
   */
  void answer(List<Publish> batch, List<Event> events) {
    List<Answers> later = null; // the batch list is the drain's, reused: copy what waits
    for (int i = 0; i < batch.size(); i++) {
      Publish publish = batch.get(i);
      DeliveryLoop loop = publish.replyOn();
      if (loop == null || loop.inLoop()) {
        publish.done().complete(events.get(i));
        continue;
      }
      if (later == null) {
        later = new ArrayList<>(2);
      }
      Answers answers = null;
      for (Answers waiting : later) {
        if (waiting.loop.equals(loop)) {
          answers = waiting;
        }
      }
      if (answers == null) {
        answers = new Answers(loop);
        later.add(answers);
      }
      answers.add(publish, events.get(i));
    }
    if (later == null) {
      return;
    }
    for (Answers answers : later) {
      Lane lane = lanes.get(answers.loop);
      try {
        if (lane != null) {
          lane.run(answers);
        } else {
          answers.loop.execute(answers);
        }
      } catch (RuntimeException loopGone) {
        answers.run(); // the loop is shutting down: answer from here rather than never
      }
    }
  }

  /** The answers of one batch for one loop, completed there in one task. */
  private static final class Answers implements Runnable {
    final DeliveryLoop loop;
    private final List<Publish> publishes = new ArrayList<>(4);
    private final List<Event> events = new ArrayList<>(4);

    Answers(DeliveryLoop loop) {
      this.loop = loop;
    }

    void add(Publish publish, Event event) {
      publishes.add(publish);
      events.add(event);
    }

    @Override
    public void run() {
      for (int i = 0; i < publishes.size(); i++) {
        publishes.get(i).done().complete(events.get(i));
      }
    }
  }

  /** After close: fails what no drain will run any more. */
  private void failPending() {
    if (!draining.compareAndSet(false, true)) {
      return; // a drain still runs (past the grace period); it finishes what it took
    }
    Command pending;
    while ((pending = commands.poll()) != null) {
      if (pending instanceof PublishCommand publish) {
        publish.publish().done().completeExceptionally(shuttingDown());
      } else if (pending instanceof Register register) {
        register.done().completeExceptionally(shuttingDown());
      } else if (pending instanceof Snapshot snapshot) {
        snapshot.done().completeExceptionally(shuttingDown());
      }
    }
  }

  /**
   * How the sequencer hands events over: at once on the drain (a local log), or from the log's own
   * thread, which waits for room in the queue rather than drop an event, in bounded steps so that a
   * closing hub lets it go.
   */
  private final class Fanout implements Sequencer.Fanout {

    @Override
    public void fanOutNow(List<Event> events, Object[] traces) {
      handOut(events, traces);
    }

    @Override
    public void answer(List<Publish> batch, List<Event> events) {
      Dispatcher.this.answer(batch, events);
    }

    @Override
    public void fanOutLater(List<Event> events, Object[] traces) {
      enqueue(new Deliver(events, traces));
    }

    @Override
    public void lostLater(long resumeAfter, String reason) {
      enqueue(new Lost(resumeAfter, reason));
    }

    private void enqueue(Command command) {
      while (running && !commands.offer(command)) {
        schedule(); // the drain is busy with a burst; it frees room within a batch
        LockSupport.parkNanos(100_000);
      }
      schedule();
    }
  }

  private static HubException shuttingDown() {
    return new HubException(HubException.Kind.UNAVAILABLE, "hub is shutting down");
  }
}
