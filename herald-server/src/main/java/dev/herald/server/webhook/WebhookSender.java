package dev.herald.server.webhook;

import dev.herald.core.RateLimitedLog;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.presence.PresenceEvents;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Tells the application of presence by webhook: each event becomes one Standard Webhooks message
 * ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}) POSTed to every
 * receiver, in the order the events came, each retried with exponential backoff and full jitter for
 * at most {@link WebhookConfig#retryFor()}. A receiver that is down holds up only its own queue:
 * bounded, the oldest message dropped (and counted) when it is full.
 *
 * <p>Threading: the {@link PresenceEvents} methods run on event loops and presence threads; they
 * encode the message (a few hundred bytes) and queue it, never waiting. Each receiver has one
 * thread of its own that sends, waits and retries, on its own HTTP client.
 */
public final class WebhookSender implements PresenceEvents, MeterBinder, AutoCloseable {

  private static final RateLimitedLog log =
      new RateLimitedLog(LoggerFactory.getLogger(WebhookSender.class));

  public static final String SUBSCRIPTION_ACTIVE = "subscription.active";
  public static final String SUBSCRIPTION_INACTIVE = "subscription.inactive";
  public static final String TOPIC_OCCUPIED = "topic.occupied";
  public static final String TOPIC_VACATED = "topic.vacated";

  /** One message, signed again at each attempt (the timestamp is the attempt's). */
  private record Message(String id, String type, String body, long queuedNanos) {}

  private final WebhookConfig config;
  private final Clock clock;
  private final WebhookSignature signature;
  private final ExecutorService httpThreads;
  private final HttpClient http;
  private final List<Receiver> receivers = new ArrayList<>();
  private final List<Timer> latencies = new CopyOnWriteArrayList<>();

  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong givenUp = new AtomicLong();

  public WebhookSender(WebhookConfig config, Clock clock) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("webhook: no receiver configured");
    }
    this.config = config;
    this.clock = clock;
    this.signature = new WebhookSignature(config.secret());
    this.httpThreads = WebhookHttp.thread("herald-webhook-http");
    this.http = WebhookHttp.client(config.timeout(), httpThreads);
    for (URI url : config.urls()) {
      Receiver receiver = new Receiver(url);
      receivers.add(receiver);
      receiver.thread.start();
    }
  }

  @Override
  public void subscriptionChanged(ActiveSubscription subscription) {
    queue(
        subscription.active() ? SUBSCRIPTION_ACTIVE : SUBSCRIPTION_INACTIVE,
        subscription.document(false));
  }

  @Override
  public void topicOccupied(String topic) {
    queue(TOPIC_OCCUPIED, Map.of("topic", topic));
  }

  @Override
  public void topicVacated(String topic) {
    queue(TOPIC_VACATED, Map.of("topic", topic));
  }

  private void queue(String type, Map<String, Object> data) {
    Message message =
        new Message(
            "msg_" + UUID.randomUUID(),
            type,
            WebhookHttp.body(type, clock.instant(), data),
            System.nanoTime());
    for (Receiver receiver : receivers) {
      receiver.offer(message);
    }
  }

  /** Messages delivered (a 2xx answer), over every receiver. */
  public long delivered() {
    return delivered.get();
  }

  /** Attempts that failed (no answer, or not a 2xx); each is retried while its time lasts. */
  public long failedAttempts() {
    return failedAttempts.get();
  }

  /** Messages dropped unsent because a receiver's queue was full (the oldest go first). */
  public long dropped() {
    return dropped.get();
  }

  /** Messages given up after retrying for {@link WebhookConfig#retryFor()}. */
  public long givenUp() {
    return givenUp.get();
  }

  /** Messages waiting, over every receiver. */
  public int queued() {
    int sum = 0;
    for (Receiver receiver : receivers) {
      sum += receiver.size();
    }
    return sum;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("herald.webhook.delivered", delivered, AtomicLong::get)
        .description("Webhook messages a receiver accepted (2xx)")
        .register(registry);
    FunctionCounter.builder("herald.webhook.failures", failedAttempts, AtomicLong::get)
        .description("Webhook attempts that failed (no answer or not 2xx); each is retried")
        .register(registry);
    FunctionCounter.builder("herald.webhook.dropped", dropped, AtomicLong::get)
        .description("Webhook messages dropped unsent: the receiver's queue was full")
        .register(registry);
    FunctionCounter.builder("herald.webhook.given.up", givenUp, AtomicLong::get)
        .description("Webhook messages given up after retrying for the configured time")
        .register(registry);
    Gauge.builder("herald.webhook.queued", this, WebhookSender::queued)
        .description("Webhook messages waiting to be sent")
        .strongReference(true)
        .register(registry);
    latencies.add(
        Timer.builder("herald.webhook.latency")
            .description("Time from the event to its receiver's 2xx, retries included")
            .register(registry));
  }

  /** Stops every receiver's thread; what is still queued is lost. */
  @Override
  public void close() {
    for (Receiver receiver : receivers) {
      receiver.stop();
    }
    for (Receiver receiver : receivers) {
      try {
        receiver.thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    httpThreads.shutdownNow();
  }

  /** One receiver: its bounded queue and the thread that sends it in order. */
  private final class Receiver implements Runnable {

    final URI url;
    final Thread thread;
    private final ArrayDeque<Message> queue = new ArrayDeque<>(); // guarded by itself
    private volatile boolean running = true;

    Receiver(URI url) {
      this.url = url;
      this.thread = new Thread(this, "herald-webhook " + url.getHost() + ":" + url.getPort());
      this.thread.setDaemon(true);
    }

    void offer(Message message) {
      synchronized (queue) {
        if (queue.size() >= config.queueCapacity()) {
          queue.pollFirst();
          dropped.incrementAndGet();
          log.warn(
              "webhook {}: queue full ({} messages), dropping the oldest", url, queue.size() + 1);
        }
        queue.addLast(message);
        queue.notifyAll();
      }
    }

    int size() {
      synchronized (queue) {
        return queue.size();
      }
    }

    void stop() {
      running = false;
      synchronized (queue) {
        queue.notifyAll();
      }
      thread.interrupt();
    }

    @Override
    public void run() {
      try {
        while (running) {
          Message message;
          synchronized (queue) {
            while (running && queue.isEmpty()) {
              queue.wait();
            }
            message = queue.pollFirst();
          }
          if (message != null) {
            deliver(message);
          }
        }
      } catch (InterruptedException closing) {
        Thread.currentThread().interrupt();
      }
    }

    /** Sends until a 2xx, or until the message's time is up. */
    private void deliver(Message message) throws InterruptedException {
      long deadline = message.queuedNanos() + config.retryFor().toNanos();
      long delay = config.firstRetry().toNanos();
      for (int attempt = 1; running; attempt++) {
        String failure = attempt(message);
        if (failure == null) {
          delivered.incrementAndGet();
          long tookNanos = System.nanoTime() - message.queuedNanos();
          for (Timer timer : latencies) {
            timer.record(tookNanos, TimeUnit.NANOSECONDS);
          }
          return;
        }
        failedAttempts.incrementAndGet();
        long wait = ThreadLocalRandom.current().nextLong(delay / 2, delay + 1); // jitter
        if (System.nanoTime() + wait - deadline > 0) {
          givenUp.incrementAndGet();
          log.warn(
              "webhook {}: giving {} {} up after {} attempts: {}",
              url,
              message.type(),
              message.id(),
              attempt,
              failure);
          return;
        }
        log.warn("webhook {}: attempt {} failed ({}); retrying", url, attempt, failure);
        synchronized (queue) {
          if (running) {
            TimeUnit.NANOSECONDS.timedWait(queue, wait);
          }
        }
        delay = Math.min(delay * 2, config.maxRetryDelay().toNanos());
      }
    }

    /** One POST; null when the receiver took it, else why not. */
    private String attempt(Message message) throws InterruptedException {
      return WebhookHttp.postSigned(
          http, url, config.timeout(), signature, clock, message.id(), message.body());
    }
  }
}
