package dev.herald.server.webhook;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Update;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.dispatch.Subscription;
import dev.herald.core.history.CursorStore;
import dev.herald.server.http.SubscriptionFormats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * Durable webhook subscribers: each {@link WebhookSubscription} is a subscriber of the hub like an
 * SSE client, whose events are POSTed to its URL one at a time, in order, each retried (with
 * backoff and jitter, without end) until the receiver answers 2xx; only then does its cursor move
 * on, and is saved. A receiver that is down costs no memory: its subscriber's bounded queue
 * overflows, and it resumes from its cursor through the history, as a reconnecting client does with
 * {@code Last-Event-ID}. When the history no longer holds the update after the cursor, the receiver
 * is first sent an {@code update.gap} message, as {@code earliest} tells a subscriber.
 *
 * <p>Each message is a Standard Webhooks message signed like presence webhooks; its {@code
 * webhook-id} is the update's id, the same on every retry and after a restart, so a receiver drops
 * what it already took.
 *
 * <p>In a cluster the cursor store is shared and leases each subscriber to one node, which alone
 * delivers it; another takes over from the saved cursor once its lease lapses.
 *
 * <p>Threading: one thread per subscription sends and waits; the hub's wake-up only unparks it.
 * Closes the cursor store it was given.
 */
public final class DurableWebhooks implements MeterBinder, AutoCloseable {

  private static final RateLimitedLog log =
      new RateLimitedLog(LoggerFactory.getLogger(DurableWebhooks.class));

  public static final String UPDATE = "update";
  public static final String GAP = "update.gap";

  /** Events taken from the subscriber at once. */
  private static final int BATCH = 256;

  private final Hub hub;
  private final WebhookConfig config;
  private final CursorStore cursors;
  private final Clock clock;
  private final WebhookSignature signature;
  private final ExecutorService httpThreads;
  private final HttpClient http;

  /** Every running delivery by name: configured ones, then those registered by API. */
  private final Map<String, Delivery> deliveries = new LinkedHashMap<>(); // guarded by this

  /** The definitions of the running API registrations, as saved: to notice changes. */
  private final Map<String, String> registered = new HashMap<>(); // guarded by this

  /** Runs registrations (store IO, off the event loops) and picks up other nodes' ones. */
  private final ScheduledExecutorService registry;

  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong gaps = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  public DurableWebhooks(Hub hub, WebhookConfig config, CursorStore cursors, Clock clock) {
    this.hub = hub;
    this.config = config;
    this.cursors = cursors;
    this.clock = clock;
    this.signature = new WebhookSignature(config.secret());
    this.httpThreads = WebhookHttp.thread("herald-webhook-subscribers-http");
    this.http = WebhookHttp.client(config.timeout(), httpThreads);
    this.registry = WebhookHttp.scheduler("herald-webhook-registry");
    synchronized (this) {
      for (WebhookSubscription subscription : config.subscribers()) {
        start(subscription);
      }
    }
    // At once, then now and then: registrations other nodes of a cluster took.
    registry.scheduleWithFixedDelay(
        this::reconcile, 0, RECONCILE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How often registrations are read again from the store. */
  private static final Duration RECONCILE = Duration.ofSeconds(2);

  /** Subscribers registered by API, at most: each has a thread of its own. */
  public static final int MAX_REGISTERED = 100;

  /** A subscriber as the API shows it. */
  public record Registered(WebhookSubscription subscription, boolean configured, String cursor) {}

  /**
   * Registers (or replaces) a subscriber, saved in the cursor store so that it survives restarts
   * and every node of a cluster delivers it (one at a time). Completes on the registry's thread.
   *
   * @throws IllegalArgumentException (in the future) for a configured name, or one too many
   */
  public CompletableFuture<Registered> register(WebhookSubscription subscription) {
    return CompletableFuture.supplyAsync(
        () -> {
          synchronized (this) {
            if (isConfigured(subscription.name())) {
              throw new IllegalArgumentException(
                  "webhook subscriber " + subscription.name() + " is configured, not registered");
            }
            if (!registered.containsKey(subscription.name())
                && registered.size() >= MAX_REGISTERED) {
              throw new IllegalArgumentException(
                  "webhook subscribers: " + MAX_REGISTERED + " registered (expected: at most)");
            }
          }
          cursors.register(subscription.name(), WebhookSubscription.toJson(subscription));
          reconcile();
          return new Registered(subscription, false, cursors.load(subscription.name()));
        },
        registry);
  }

  /** Forgets a registered subscriber and its cursor; completes with false when none is. */
  public CompletableFuture<Boolean> unregister(String name) {
    return CompletableFuture.supplyAsync(
        () -> {
          synchronized (this) {
            if (isConfigured(name)) {
              throw new IllegalArgumentException(
                  "webhook subscriber " + name + " is configured, not registered");
            }
          }
          boolean known = cursors.registrations().containsKey(name);
          cursors.unregister(name);
          reconcile();
          return known;
        },
        registry);
  }

  /** Every subscriber, configured and registered, with its cursor. */
  public CompletableFuture<List<Registered>> list() {
    return CompletableFuture.supplyAsync(
        () -> {
          List<WebhookSubscription> running;
          synchronized (this) {
            running = deliveries.values().stream().map(d -> d.subscription).toList();
          }
          List<Registered> all = new ArrayList<>(running.size());
          for (WebhookSubscription subscription : running) {
            all.add(
                new Registered(
                    subscription,
                    isConfigured(subscription.name()),
                    cursors.load(subscription.name())));
          }
          return all;
        },
        registry);
  }

  private boolean isConfigured(String name) {
    return config.subscribers().stream().anyMatch(s -> s.name().equals(name));
  }

  /** Starts what the store registers and this node does not run yet; stops what it no longer. */
  private void reconcile() {
    Map<String, String> saved;
    try {
      saved = cursors.registrations();
    } catch (RuntimeException e) {
      log.warn("webhook subscribers: registrations unreadable: {}", e.toString());
      return;
    }
    synchronized (this) {
      if (closed.get()) {
        return;
      }
      for (String name : new ArrayList<>(registered.keySet())) {
        if (!saved.containsKey(name) || !saved.get(name).equals(registered.get(name))) {
          Delivery gone = deliveries.remove(name);
          registered.remove(name);
          if (gone != null) {
            gone.stop();
          }
        }
      }
      for (Map.Entry<String, String> entry : saved.entrySet()) {
        String name = entry.getKey();
        if (registered.containsKey(name) || isConfigured(name)) {
          continue;
        }
        try {
          start(WebhookSubscription.fromJson(name, entry.getValue()));
          registered.put(name, entry.getValue());
        } catch (IllegalArgumentException e) {
          log.warn("webhook subscriber {}: registration unusable: {}", name, e.getMessage());
        }
      }
    }
  }

  /** Starts delivering {@code subscription}; the caller holds this. */
  private void start(WebhookSubscription subscription) {
    Delivery delivery = new Delivery(subscription);
    deliveries.put(subscription.name(), delivery);
    delivery.thread.start();
  }

  /** Updates receivers took (2xx), over every subscription. */
  public long delivered() {
    return delivered.get();
  }

  /** Attempts that failed; each is retried. */
  public long failedAttempts() {
    return failedAttempts.get();
  }

  /** Times a receiver was told that updates after its cursor are gone from the history. */
  public long gaps() {
    return gaps.get();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("herald.webhook.subscriber.delivered", delivered, AtomicLong::get)
        .description("Updates durable webhook subscribers took (2xx)")
        .register(registry);
    FunctionCounter.builder("herald.webhook.subscriber.failures", failedAttempts, AtomicLong::get)
        .description("Attempts to POST an update to a durable webhook subscriber that failed")
        .register(registry);
    FunctionCounter.builder("herald.webhook.subscriber.gaps", gaps, AtomicLong::get)
        .description("Durable webhook subscribers told that their cursor left the history")
        .register(registry);
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    registry.shutdownNow();
    List<Delivery> stopping;
    synchronized (this) {
      stopping = new ArrayList<>(deliveries.values());
    }
    stopping.forEach(Delivery::stop);
    for (Delivery delivery : stopping) {
      try {
        delivery.thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    httpThreads.shutdownNow();
    cursors.close();
  }

  /** One subscription: its hub subscriber, its cursor and its thread. */
  private final class Delivery implements Runnable {

    final WebhookSubscription subscription;
    final Thread thread;
    private final AtomicBoolean woken = new AtomicBoolean();
    private final List<Event> batch = new ArrayList<>(BATCH);
    private volatile boolean running = true;

    Delivery(WebhookSubscription subscription) {
      this.subscription = subscription;
      this.thread = new Thread(this, "herald-webhook-subscriber " + subscription.name());
      this.thread.setDaemon(true);
    }

    void stop() {
      running = false;
      LockSupport.unpark(thread);
    }

    private void wake() {
      woken.set(true);
      LockSupport.unpark(thread);
    }

    @Override
    public void run() {
      long backoff = config.firstRetry().toNanos();
      while (running) {
        try {
          step();
          backoff = config.firstRetry().toNanos();
        } catch (RuntimeException e) {
          // A store or hub failure: start again from the saved cursor after a while.
          log.warn("webhook subscriber {}: {}; resuming", subscription.name(), e.toString());
          dropSubscriber();
          LockSupport.parkNanos(jitter(backoff));
          backoff = Math.min(backoff * 2, config.maxRetryDelay().toNanos());
        }
      }
      dropSubscriber();
      try {
        cursors.release(subscription.name());
      } catch (RuntimeException e) {
        log.warn("webhook subscriber {}: release failed: {}", subscription.name(), e.toString());
      }
    }

    private Subscriber subscriber; // this thread's
    private String cursor; // this thread's: the last update the receiver took

    /** One round: subscribe if needed, then deliver what is ready, or wait for it. */
    private void step() {
      if (!holds()) {
        // Another node of the cluster delivers it; take over when its lease lapses.
        dropSubscriber();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        return;
      }
      if (subscriber == null) {
        cursor = cursors.load(subscription.name()); // the last holder may have moved it on
        subscriber = subscribe(cursor);
        if (subscriber == null) {
          throw new IllegalStateException("cannot subscribe");
        }
      }
      if (subscriber.replayFailure() != null || subscriber.mustReconnect()) {
        // Fell behind (queue full while the receiver was down) or the replay lost its place:
        // start again from the cursor, through the history.
        dropSubscriber();
        return;
      }
      batch.clear();
      if (subscriber.drainTo(batch::add, BATCH) == 0) {
        subscriber.idle();
        if (!woken.getAndSet(false)) {
          LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
        return;
      }
      for (Event event : batch) {
        if (!send(event.id(), UPDATE, updateDocument(event.update()))) {
          dropSubscriber(); // closing, or the lease was lost: resume from the cursor
          return;
        }
        cursor = event.id();
        cursors.save(subscription.name(), cursor);
        delivered.incrementAndGet();
      }
    }

    private void dropSubscriber() {
      if (subscriber != null) {
        hub.unsubscribe(subscriber);
        subscriber = null;
      }
    }

    /** Whether this node delivers the subscription now; a store that fails answers no. */
    private boolean holds() {
      try {
        return cursors.hold(subscription.name());
      } catch (RuntimeException e) {
        log.warn(
            "webhook subscriber {}: lease check failed: {}", subscription.name(), e.toString());
        return false;
      }
    }

    /** A subscriber resuming after {@code cursor} (null: from now on), or null on failure. */
    private Subscriber subscribe(String cursor) {
      Subscriber fresh = null;
      Subscription answer;
      try {
        fresh =
            hub.newSubscriber(
                subscription.topics(),
                subscription.privateTopics(),
                null,
                SubscriptionFormats.DRAFT_07,
                this::wake);
        answer =
            hub.subscribe(fresh, cursor).get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
        if (fresh != null) {
          hub.unsubscribe(fresh);
        }
        return null;
      } catch (Exception e) {
        log.warn("webhook subscriber {}: cannot subscribe: {}", subscription.name(), e.toString());
        if (fresh != null) {
          hub.unsubscribe(fresh); // it may still join: it is closed then
        }
        return null;
      }
      if (cursor != null && "earliest".equals(answer.responseLastEventId())) {
        gaps.incrementAndGet();
        Map<String, Object> gap = new LinkedHashMap<>();
        gap.put("lastEventId", cursor);
        gap.put("earliest", true);
        if (!send("gap_" + UUID.randomUUID(), GAP, gap)) {
          hub.unsubscribe(fresh);
          return null;
        }
      }
      return fresh;
    }

    /** POSTs until a 2xx; false when closing, or when this node lost the lease, first. */
    private boolean send(String id, String type, Map<String, Object> data) {
      String body = WebhookHttp.body(type, clock.instant(), data);
      long delay = config.firstRetry().toNanos();
      for (int attempt = 1; running && holds(); attempt++) {
        String failure = attempt(id, body);
        if (failure == null) {
          return true;
        }
        failedAttempts.incrementAndGet();
        log.warn(
            "webhook subscriber {}: attempt {} for {} failed ({}); retrying",
            subscription.name(),
            attempt,
            id,
            failure);
        LockSupport.parkNanos(jitter(delay));
        delay = Math.min(delay * 2, config.maxRetryDelay().toNanos());
      }
      return false;
    }

    private String attempt(String id, String body) {
      try {
        return WebhookHttp.postSigned(
            http, subscription.url(), config.timeout(), signature, clock, id, body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
        return "interrupted";
      }
    }
  }

  /** The update as the receiver gets it: what an SSE subscriber would see, as JSON. */
  static Map<String, Object> updateDocument(Update update) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", update.id());
    json.put("topics", update.topics());
    json.put("data", update.data());
    json.put("private", update.isPrivate());
    if (update.type() != null) {
      json.put("type", update.type());
    }
    return json;
  }

  private static long jitter(long nanos) {
    return ThreadLocalRandom.current().nextLong(nanos / 2, nanos + 1);
  }
}
