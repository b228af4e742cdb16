package dev.herald.core;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.DeliveryLoop;
import dev.herald.core.dispatch.Dispatcher;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.dispatch.Subscription;
import dev.herald.core.dispatch.SubscriptionCursor;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.dispatch.SubscriptionsPage;
import dev.herald.core.dispatch.SubscriptionsQuery;
import dev.herald.core.dispatch.SubscriptionsSnapshot;
import dev.herald.core.history.History;
import dev.herald.core.history.MemoryHistory;
import dev.herald.core.history.SharedLog;
import dev.herald.core.presence.LocalPresence;
import dev.herald.core.presence.Presence;
import dev.herald.core.presence.PresenceEvents;
import dev.herald.core.topic.TopicSelector;
import dev.herald.core.trace.PublishTracer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The publish/subscribe façade a network edge (or an embedding application) talks to.
 *
 * <p>Publishing hands the update to the dispatcher, which orders, stores and encodes it (once) on
 * the publisher's own thread when the history never blocks, then hands it to every {@link
 * DeliveryLoop}, each of which matches it against the subscribers it owns. Given a {@link
 * SharedLog} instead of a local history, the hub is one node of a cluster: it appends to the shared
 * log and hands out what its tail of the log delivers.
 *
 * <p>Safe from any thread; no method blocks but {@link #close}, which waits for queued publishes.
 */
public final class Hub implements AutoCloseable {

  private final HubConfig config;
  private final Dispatcher dispatcher;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Who is subscribed: this node's subscribers, or a cluster's replica once one is attached. */
  private volatile Presence presence;

  private volatile PresenceEvents events = PresenceEvents.NONE;

  /**
   * A hub on its own over a history in memory of {@code config.historySize()} events. Any thread;
   * starts no thread of its own while the history never blocks (publishes are drained on the
   * caller's thread).
   */
  public Hub(HubConfig config) {
    this(config, new MemoryHistory(config.historySize()));
  }

  /** A hub on its own over {@code history}, which it closes when it closes. */
  public Hub(HubConfig config, History history) {
    this(config, history, PublishTracer.OFF);
  }

  /** As {@link #Hub(HubConfig, History)}, telling {@code tracer} of each publish's way. */
  public Hub(HubConfig config, History history, PublishTracer tracer) {
    this.config = config;
    this.dispatcher =
        new Dispatcher(
            history, config.dispatchQueueCapacity(), config.subscriptionEvents(), tracer);
    this.presence = new LocalPresence(dispatcher::subscriptions);
    if (config.subscriptionEvents()) {
      dispatcher.listen(presence); // the presence counts of the API
    }
  }

  /**
   * One hub of a cluster over {@code log}, which it closes when it closes; starting the log's tail
   * may block until the log answers.
   */
  public Hub(HubConfig config, SharedLog log) {
    this(config, log, PublishTracer.OFF);
  }

  /** As {@link #Hub(HubConfig, SharedLog)}, telling {@code tracer} of each publish's way. */
  public Hub(HubConfig config, SharedLog log, PublishTracer tracer) {
    this.config = config;
    this.dispatcher =
        new Dispatcher(log, config.dispatchQueueCapacity(), config.subscriptionEvents(), tracer);
    this.presence = new LocalPresence(dispatcher::subscriptions);
    if (config.subscriptionEvents()) {
      dispatcher.listen(presence); // the presence counts of the API
    }
  }

  /** The configuration the hub was built with. Any thread. */
  public HubConfig config() {
    return config;
  }

  /**
   * Publishes the update, generating a {@code urn:uuid:} id when it has none.
   *
   * @return completes with the stored event once it is in history and queued for subscribers (in a
   *     cluster: once the shared log has it; that event carries no SSE bytes, which each hub's tail
   *     encodes), or fails with a {@link HubException}
   */
  public CompletableFuture<Event> publish(Update update) {
    return publish(update, null);
  }

  /**
   * As {@link #publish(Update)}, the future completing on {@code replyOn}, the publisher's own
   * event loop (with the other answers of the same batch for that loop, in one task), or at once
   * when the batch is committed on that loop; null: wherever the batch is committed.
   */
  public CompletableFuture<Event> publish(Update update, DeliveryLoop replyOn) {
    if (update.id() == null) {
      return dispatcher.publish(update.withId(EventIds.next()), replyOn, false);
    }
    return dispatcher.publish(update, replyOn, true);
  }

  /**
   * Creates a subscriber for the given selectors; register it with {@link #subscribe}.
   *
   * @param topics the raw {@code topic} selectors (parsed by {@link TopicSelector#of})
   * @param privateTopics the raw selectors of what the subscriber may read privately
   * @param payload the payload of each of its subscriptions, or null
   * @param format the shape its subscriptions are announced and listed in: that of a protocol draft
   *     (the server's {@code SubscriptionFormats}); core has no default
   * @param wakeup called from any thread (an event loop included) when events wait for the
   *     subscriber; must not block
   */
  public Subscriber newSubscriber(
      List<String> topics,
      List<String> privateTopics,
      Object payload,
      SubscriptionFormat format,
      Runnable wakeup) {
    checkSelectorCount(topics.size());
    return newSubscriberOf(
        selectors(topics),
        selectors(privateTopics),
        Collections.nCopies(topics.size(), payload),
        format,
        wakeup);
  }

  /**
   * Creates a subscriber for selectors already built by the request's protocol version (draft-08
   * matchers have types that a raw string does not carry), with one payload per selector (null for
   * none), whose subscriptions are announced and listed in {@code format}, that of the protocol it
   * spoke.
   *
   * @param privateSelectors what the token allows reading private updates of
   */
  public Subscriber newSubscriberOf(
      List<TopicSelector> selectors,
      List<TopicSelector> privateSelectors,
      List<Object> payloads,
      SubscriptionFormat format,
      Runnable wakeup) {
    return newSubscriberOf(
        selectors, privateSelectors, payloads, format, DeliveryLoop.CALLER, wakeup);
  }

  /**
   * As {@link #newSubscriberOf(List, List, List, SubscriptionFormat, Runnable)}, for a subscriber
   * whose connection {@code loop} owns: its events are matched and queued on that loop, which
   * {@code wakeup} is then called on (and on the history's read executor during a replay).
   */
  public Subscriber newSubscriberOf(
      List<TopicSelector> selectors,
      List<TopicSelector> privateSelectors,
      List<Object> payloads,
      SubscriptionFormat format,
      DeliveryLoop loop,
      Runnable wakeup) {
    checkSelectorCount(selectors.size());
    return new Subscriber(
        "urn:uuid:" + randomUuid(),
        selectors,
        privateSelectors,
        payloads,
        format,
        config.subscriberQueueCapacity(),
        loop,
        wakeup);
  }

  private void checkSelectorCount(int count) {
    if (count == 0) {
      throw HubException.badRequest("topic: missing (expected: at least one topic selector)");
    }
    if (count > config.maxTopicsPerSubscription()) {
      throw HubException.badRequest(
          "topic: "
              + count
              + " selectors (expected: at most "
              + config.maxTopicsPerSubscription()
              + ")");
    }
  }

  /**
   * Registers the subscriber; its replay starts after {@code lastEventId} (null: no replay, {@code
   * earliest}: everything retained).
   */
  public CompletableFuture<Subscription> subscribe(Subscriber subscriber, String lastEventId) {
    return dispatcher.register(subscriber, lastEventId);
  }

  /**
   * Closes the subscriber at once (it gets nothing more) and forgets it on its delivery loop soon
   * after, whether or not its registration has completed; idempotent. Any thread; never blocks.
   */
  public void unsubscribe(Subscriber subscriber) {
    dispatcher.unregister(subscriber);
  }

  /**
   * Checks that every topic of the update matches one of the publisher's selectors, as the protocol
   * requires before anything is dispatched.
   */
  public static void authorizePublish(List<String> publishSelectors, Update update) {
    if (publishSelectors.isEmpty()) {
      throw new HubException(
          HubException.Kind.FORBIDDEN,
          "token has no mercure.publish claim (expected: a list of topic selectors)");
    }
    List<TopicSelector> allowed = selectors(publishSelectors);
    for (String topic : update.topics()) {
      if (!TopicSelector.anyMatches(allowed, List.of(topic))) {
        throw new HubException(
            HubException.Kind.FORBIDDEN,
            "topic: "
                + topic
                + " is not matched by the token's mercure.publish "
                + publishSelectors);
      }
    }
  }

  /**
   * One page of the active subscriptions, for the subscriptions API: each delivery loop looks at a
   * bounded number of its subscribers, so the work per request is bounded on every thread.
   */
  public CompletableFuture<SubscriptionsPage> subscriptions(SubscriptionsQuery query) {
    return presence.subscriptions(query);
  }

  /** Who is subscribed, as this hub answers it: its own subscribers, or its cluster's. */
  public Presence presence() {
    return presence;
  }

  /**
   * Answers the subscriptions API and presence counts from {@code replacement} (a cluster's
   * replica), which hears this hub's subscribers come and go from now on and is closed with the
   * hub. Attach it before subscribers arrive.
   */
  public void usePresence(Presence replacement) {
    replacement.tell(events);
    presence = replacement;
    dispatcher.listen(replacement);
  }

  /**
   * Tells {@code events} (webhooks) of joins, leaves, and occupied and vacated topics from now on;
   * set it before subscribers arrive.
   */
  public void tellPresence(PresenceEvents events) {
    this.events = events;
    presence.tell(events);
    dispatcher.listen(presence);
  }

  /**
   * Every active subscription, gathered page by page ({@link SubscriptionsQuery#MAX_LIMIT} at a
   * time, so each step is bounded on the loops), for in-process use: the whole list is copied, so
   * mind its size. It is not one instant's list: its id is the first page's, and subscription
   * events after that id tell every change made while the pages were gathered.
   */
  public CompletableFuture<SubscriptionsSnapshot> subscriptions() {
    List<ActiveSubscription> all = new ArrayList<>();
    CompletableFuture<SubscriptionsSnapshot> done = new CompletableFuture<>();
    gather(null, null, all, done);
    return done;
  }

  private void gather(
      SubscriptionCursor after,
      String firstId,
      List<ActiveSubscription> all,
      CompletableFuture<SubscriptionsSnapshot> done) {
    subscriptions(SubscriptionsQuery.all(after, SubscriptionsQuery.MAX_LIMIT))
        .whenComplete(
            (page, failure) -> {
              if (failure != null) {
                done.completeExceptionally(failure);
                return;
              }
              all.addAll(page.subscriptions());
              String id = firstId != null ? firstId : page.lastEventId();
              if (page.next() == null) {
                done.complete(new SubscriptionsSnapshot(List.copyOf(all), id));
              } else {
                gather(page.next(), id, all, done);
              }
            });
  }

  /**
   * Subscribers registered on this hub now, summed over the delivery loops without stopping them (a
   * moment's count, for metrics). Any thread.
   */
  public int subscriberCount() {
    return dispatcher.subscriberCount();
  }

  /**
   * Subscribers cut off because events arrived faster than they read them (their queue was full);
   * each resumes from history with its Last-Event-ID.
   */
  public long slowConsumerCuts() {
    return dispatcher.slowCuts();
  }

  /** How many delivery loops have a share of this hub's subscribers and publishers. */
  public int deliveryLoops() {
    return dispatcher.deliveryLoops();
  }

  /**
   * Events this hub handed out to its delivery loops since it started: what it published (an
   * idempotent publish's duplicate not counted), or in a cluster what its tail of the shared log
   * delivered, other nodes' publishes included. Any thread.
   */
  public long publishedEvents() {
    return dispatcher.dispatchedEvents();
  }

  /**
   * How many times an event was queued for a subscriber since the hub started, summed over the
   * delivery loops. Any thread.
   */
  public long deliveries() {
    return dispatcher.deliveries();
  }

  /**
   * Whether the hub should get new subscribers: for a local history, while it can append (a full
   * disk makes it unready until an append succeeds again); for a shared log, while the log is
   * reachable and this hub's tail keeps up with it.
   */
  public Readiness readiness() {
    return dispatcher.readiness();
  }

  /** Events the history retains for reconnecting subscribers; -1 when it cannot tell. */
  public long historySize() {
    return dispatcher.retained();
  }

  /**
   * How long this hub has been behind the shared log of its cluster, in nanoseconds: 0 while its
   * tail keeps up; -1 for a hub with a history of its own.
   */
  public long sharedLogLagNanos() {
    return dispatcher.tailLagNanos();
  }

  /**
   * True while another thread works on this hub's order (a durable commit, a cluster append in
   * flight, a log's tail or another loop handing out a batch): an event loop busy writing yields
   * its core between two slices then, so that thread runs at once if it shares the core. Any
   * thread; a moment's answer.
   */
  public boolean ordering() {
    return dispatcher.ordering();
  }

  /** The id of the last event fanned out, or {@code earliest} when none is known yet. */
  public String lastEventId() {
    return dispatcher.lastEventId();
  }

  /**
   * Finishes queued publishes (up to {@code grace}), then closes the history. Blocks the caller
   * until then; a second call returns at once.
   */
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return; // a second close (the embedder's, then its server's) has nothing left to do
    }
    try {
      presence.close(); // goodbye first: the cluster forgets this node's subscriptions at once
    } finally {
      dispatcher.close(grace);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /**
   * A version-4 UUID from a fast, non-cryptographic generator: subscriber ids must be unique, not
   * secret (subscription events publish them), and SecureRandom would cost every connection.
   */
  private static UUID randomUuid() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  private static List<TopicSelector> selectors(List<String> raw) {
    List<TopicSelector> out = new ArrayList<>(raw.size());
    for (String selector : raw) {
      try {
        out.add(TopicSelector.of(selector));
      } catch (IllegalArgumentException e) {
        throw HubException.badRequest(e.getMessage());
      }
    }
    return out;
  }
}
