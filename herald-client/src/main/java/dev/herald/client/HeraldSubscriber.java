package dev.herald.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Subscribes to a Mercure hub with the semantics of a browser's {@code EventSource}: one connection
 * for any number of topic selectors; reconnection after a drop, waiting the stream's {@code retry:}
 * delay (or {@link Builder#retry}) with exponential backoff and jitter while connections keep
 * failing; resumption with {@code Last-Event-ID} so no event is lost or repeated while the hub
 * still holds it, and {@link SubscriptionListener#onEventsMayBeMissing} when it no longer does; a
 * fresh token from {@link Builder#token(Supplier)} on every connection, and ahead of expiry: when
 * the hub announces that the stream's token expires soon ({@code event: herald-renew}, never passed
 * to the listener), a subscriber whose supplier gives a new token reconnects with it and {@code
 * Last-Event-ID} before the hub closes, one connection at a time, nothing missed or repeated.
 *
 * <p>Errors retrying cannot fix (a {@code 401}, {@code 403}, {@code 400}, {@code 404}, an answer
 * that is not {@code text/event-stream}) stop the subscriber with {@link
 * SubscriptionListener#onClosed}; a 5xx, a dropped or refused connection, or a malformed stream
 * (invalid UTF-8, a line or event beyond {@link Builder#maxEventSize}) end that connection with
 * {@link SubscriptionListener#onDisconnect} and a reconnection.
 *
 * <pre>{@code
 * HeraldSubscriber subscriber = HeraldSubscriber.builder(URI.create("https://hub.example/.well-known/mercure"))
 *     .topics("https://example.com/books/{id}")
 *     .start(event -> System.out.println(event.id() + ": " + event.data()));
 * ...
 * subscriber.close();
 * }</pre>
 *
 * <p>Threads: each subscriber owns one daemon thread that connects, reads and calls the listener;
 * {@link #close()} may be called from any thread, the listener's included, and is idempotent.
 */
public final class HeraldSubscriber implements AutoCloseable {

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final int READ_BUFFER = 8 * 1024;

  /** The hub's notice that the stream's token expires soon (README, "Token renewal"). */
  static final String RENEWAL_EVENT = "herald-renew";

  private final URI hubUrl;
  private final URI requestUri;
  private final Supplier<String> token;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final SubscriptionListener listener;
  private final Backoff backoff;
  private final Duration maxRetry;
  private final int maxEventSize;
  private final Sleeper sleeper;
  private final Duration readTimeout;
  private final Watchdog watchdog;
  private final LongSupplier nanoClock;
  private final Thread worker;
  private final CountDownLatch closedLatch = new CountDownLatch(1);

  private volatile Duration retry;
  private volatile String lastEventId;
  private volatile boolean closing;
  private volatile InputStream body; // the open stream, closed by close() to unblock the reader

  /** A fresh token fetched on a renewal notice, for the next connection; worker thread only. */
  private String renewedToken;

  private HeraldSubscriber(Builder b, SubscriptionListener listener) {
    this.hubUrl = b.hubUrl;
    this.requestUri = withTopics(b.hubUrl, b.topics);
    this.token = b.token;
    this.http = b.http != null ? b.http : DefaultHttpClient.forHub(b.hubUrl, b.connectTimeout);
    this.requestTimeout = b.requestTimeout;
    this.listener = listener;
    this.backoff = new Backoff(b.maxRetry, ThreadLocalRandom.current()::nextLong);
    this.maxRetry = b.maxRetry;
    this.maxEventSize = b.maxEventSize;
    this.sleeper = b.sleeper;
    this.readTimeout = b.readTimeout;
    this.watchdog = b.watchdog;
    this.nanoClock = b.nanoClock;
    this.retry = b.retry;
    this.lastEventId = b.lastEventId;
    this.worker = new Thread(this::run, "herald-subscriber-" + THREADS.incrementAndGet());
    worker.setDaemon(true);
  }

  /**
   * Starts configuring a subscriber to the hub at {@code hubUrl} (its {@code /.well-known/mercure}
   * URL).
   */
  public static Builder builder(URI hubUrl) {
    return new Builder(hubUrl);
  }

  /**
   * The id a reconnection would resume after: that of the last event the listener received without
   * throwing (or the one given to {@link Builder#lastEventId}); null if none yet.
   */
  public String lastEventId() {
    return lastEventId;
  }

  /**
   * The base reconnection delay now in force: the stream's last {@code retry:}, or the builder's.
   */
  public Duration retry() {
    return retry;
  }

  /** Whether the subscriber stopped (closed, or stopped by an error retrying cannot fix). */
  public boolean isClosed() {
    return closedLatch.getCount() == 0;
  }

  /** Waits until the subscriber stopped; true if it did within {@code timeout}. */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closedLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Stops the subscriber: ends the connection or the wait before the next one, and from another
   * thread waits (up to 10 s) until the listener has been told {@link
   * SubscriptionListener#onClosed} so no callback comes after this returns. Interrupts the
   * subscriber's thread, a listener busy in a callback included. Idempotent.
   */
  @Override
  public void close() {
    closing = true;
    closeBody();
    if (Thread.currentThread() == worker) {
      return; // the read loop sees closing once the callback returns
    }
    worker.interrupt();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          closedLatch.await(10, TimeUnit.SECONDS);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void start() {
    worker.start();
  }

  private void run() {
    HeraldClientException fatal = null;
    int failures = 0;
    try {
      while (!closing) {
        Connection connection = new Connection();
        HeraldClientException reason = connection.run();
        if (closing) {
          break;
        }
        if (connection.fatal) {
          fatal = reason;
          break;
        }
        if (connection.renewed) {
          failures = 0;
          continue; // a fresh token before the old one expires: reconnect at once, resuming
        }
        // Connections that keep failing back off; one that delivered events starts afresh.
        failures = connection.delivered ? 0 : failures + 1;
        Duration delay =
            connection.retryAfter != null
                ? min(connection.retryAfter, maxRetry)
                : backoff.delay(retry, failures);
        listener.onDisconnect(reason, delay);
        sleeper.sleep(delay);
      }
    } catch (InterruptedException e) {
      // close() interrupted the wait before a reconnection
    } catch (RuntimeException | Error e) {
      fatal = HeraldClientException.failure("listener failed: " + e, e);
    } finally {
      closing = true;
      closeBody();
      Thread.interrupted(); // the flag close() set must not reach onClosed
      try {
        listener.onClosed(fatal);
      } finally {
        closedLatch.countDown();
      }
    }
  }

  /** One attempt: connect, stream until it ends; says why it ended and how to go on. */
  private final class Connection implements EventStreamParser.Sink {
    boolean fatal;
    boolean delivered;
    Duration retryAfter;

    /** The hub announced the token's expiry and the supplier gave a fresh one: reconnect. */
    boolean renewed;

    /** The token this connection presented, or null. */
    String presented;

    /** When bytes last arrived; written by the reader, read by the watchdog. */
    volatile long lastRead;

    /** Set by the watchdog when it closed a stream that stayed silent too long. */
    volatile boolean silent;

    HeraldClientException run() throws InterruptedException {
      String resumeFrom = lastEventId;
      HttpRequest request;
      try {
        request = request(resumeFrom);
      } catch (RuntimeException e) {
        // A renewal service that is down for a moment: try again later, like a dropped connection.
        return HeraldClientException.failure("token supplier failed: " + e, e);
      }
      HttpResponse<InputStream> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (HttpTimeoutException e) {
        return HeraldClientException.failure(
            "no answer from " + hubUrl + " within " + requestTimeout, e);
      } catch (IOException e) {
        return HeraldClientException.failure("connection lost: " + HeraldPublisher.describe(e), e);
      }
      body = response.body();
      if (closing) {
        closeBody();
        return null;
      }
      try {
        return stream(response, resumeFrom);
      } finally {
        closeBody();
      }
    }

    private HeraldClientException stream(HttpResponse<InputStream> response, String resumeFrom) {
      InputStream in = response.body();
      try {
        int status = response.statusCode();
        if (status != 200) {
          HeraldClientException error = HeraldClientException.hubError(status, Bodies.reason(in));
          fatal = !error.isRetryable();
          retryAfter =
              response
                  .headers()
                  .firstValue("Retry-After")
                  .filter(v -> !v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9'))
                  .map(v -> Duration.ofSeconds(Long.parseLong(v.length() > 9 ? "999999999" : v)))
                  .orElse(null);
          return error;
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("(none)");
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
          fatal = true;
          return HeraldClientException.failure(
              "HTTP 200 with Content-Type " + contentType + " (expected: text/event-stream)", null);
        }
        listener.onOpen();
        boolean resumed =
            resumeFrom != null && !resumeFrom.isEmpty() && !resumeFrom.equals("earliest");
        if (resumed
            && "earliest".equals(response.headers().firstValue("Last-Event-ID").orElse(null))) {
          listener.onEventsMayBeMissing(resumeFrom);
        }
        EventStreamParser parser = new EventStreamParser(this, maxEventSize, resumeFrom);
        byte[] buffer = new byte[READ_BUFFER];
        Watchdog.Cancel watch = watchSilence(in);
        try {
          while (!closing) {
            int n = in.read(buffer);
            if (n < 0) {
              return silent ? silence() : HeraldClientException.failure("stream ended", null);
            }
            lastRead = nanoClock.getAsLong();
            parser.feed(buffer, 0, n);
            if (renewed) {
              return null; // every event read so far was delivered; the next stream resumes after
            }
          }
        } finally {
          watch.cancel();
        }
        return null;
      } catch (EventStreamParser.MalformedStreamException e) {
        return HeraldClientException.failure("malformed stream: " + e.getMessage(), e);
      } catch (IOException e) {
        if (silent) {
          return silence();
        }
        return closing
            ? null
            : HeraldClientException.failure("connection lost: " + HeraldPublisher.describe(e), e);
      } catch (RuntimeException e) {
        // The listener threw: end this connection; the event is delivered again after resuming.
        return closing ? null : HeraldClientException.failure("listener failed: " + e, e);
      }
    }

    /**
     * A half-open TCP connection (a peer or middlebox gone without a reset) never ends a blocking
     * read; a hub that sends heartbeats is never silent for long, so a stream silent for {@code
     * readTimeout} is closed and counts as lost.
     */
    private Watchdog.Cancel watchSilence(InputStream in) {
      lastRead = nanoClock.getAsLong();
      if (readTimeout.isZero()) {
        return () -> {};
      }
      long limit = readTimeout.toNanos();
      Duration period = readTimeout.dividedBy(4).isZero() ? readTimeout : readTimeout.dividedBy(4);
      return watchdog.every(
          period,
          () -> {
            if (!silent && nanoClock.getAsLong() - lastRead >= limit) {
              silent = true;
              try {
                in.close(); // this connection's stream: the blocked read ends
              } catch (IOException e) {
                // closing to stop reading; nothing left to do with it
              }
            }
          });
    }

    private HeraldClientException silence() {
      return HeraldClientException.failure(
          "no data for " + readTimeout + " (expected: events or heartbeats; see readTimeout)",
          null);
    }

    private HttpRequest request(String resumeFrom) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(requestUri)
              .timeout(requestTimeout)
              .header("Accept", "text/event-stream")
              .header("Cache-Control", "no-store");
      if (resumeFrom != null && !resumeFrom.isEmpty()) {
        request.header("Last-Event-ID", resumeFrom);
      }
      String jwt = renewedToken != null ? renewedToken : token.get();
      renewedToken = null;
      presented = jwt;
      if (jwt != null) {
        request.header("Authorization", "Bearer " + jwt);
      }
      return request.GET().build();
    }

    @Override
    public void event(ServerSentEvent event) {
      if (RENEWAL_EVENT.equals(event.type())) {
        renew();
        return;
      }
      listener.onEvent(event);
      delivered = true;
    }

    /**
     * The hub closes this stream soon, at its token's expiry: ask the supplier for a fresh token
     * now, while events still flow, and reconnect with it and {@code Last-Event-ID} before the
     * close; one connection at a time, the old one closed before the new one opens. Nothing to
     * renew with (the same token, none, a failing supplier) or nowhere to resume from leaves the
     * stream to its close.
     */
    private void renew() {
      // "earliest" is where the subscriber started, not an event it has: resuming there would
      // replay everything again.
      if (renewed
          || lastEventId == null
          || lastEventId.isEmpty()
          || lastEventId.equals("earliest")) {
        return;
      }
      String fresh;
      try {
        fresh = token.get();
      } catch (RuntimeException e) {
        return; // the close comes, and the reconnection asks again
      }
      if (fresh != null && !fresh.equals(presented)) {
        renewedToken = fresh;
        renewed = true;
      }
    }

    @Override
    public void retry(long millis) {
      retry = min(Duration.ofMillis(millis), maxRetry);
    }

    @Override
    public void lastEventId(String id) {
      lastEventId = id;
    }
  }

  private void closeBody() {
    InputStream open = body;
    if (open != null) {
      try {
        open.close();
      } catch (IOException e) {
        // closing to stop reading; nothing left to do with it
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  static URI withTopics(URI hubUrl, List<String> topics) {
    StringBuilder query = new StringBuilder();
    for (String topic : topics) {
      query
          .append(query.length() == 0 ? "" : "&")
          .append("topic=")
          .append(URLEncoder.encode(topic, StandardCharsets.UTF_8));
    }
    String base = hubUrl.toString();
    return URI.create(base + (hubUrl.getRawQuery() == null ? "?" : "&") + query);
  }

  /** Configures a {@link HeraldSubscriber}; not thread-safe, use from one thread. */
  public static final class Builder {
    private final URI hubUrl;
    private final List<String> topics = new ArrayList<>();
    private Supplier<String> token = () -> null;
    private String lastEventId;
    private HttpClient http;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration retry = Duration.ofSeconds(1);
    private Duration maxRetry = Duration.ofSeconds(30);
    private int maxEventSize = 4 * 1024 * 1024;
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Duration readTimeout = Duration.ofMinutes(2);
    private Watchdog watchdog = Watchdog.SYSTEM;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(URI hubUrl) {
      this.hubUrl = Objects.requireNonNull(hubUrl, "hubUrl");
      if (!"http".equals(hubUrl.getScheme()) && !"https".equals(hubUrl.getScheme())) {
        throw new IllegalArgumentException(
            "hub URL: " + hubUrl + " (expected: http:// or https://)");
      }
    }

    /**
     * Adds topic selectors: exact IRIs, URI templates such as {@code /books/{id}}, or {@code *}.
     */
    public Builder topics(String... selectors) {
      return topics(List.of(selectors));
    }

    /** Adds topic selectors; all of them share the one connection. */
    public Builder topics(List<String> selectors) {
      for (String selector : selectors) {
        topics.add(Objects.requireNonNull(selector, "topic selector"));
      }
      return this;
    }

    /** A fixed subscriber JWT, needed for private updates (default: none, anonymous). */
    public Builder token(String jwt) {
      Objects.requireNonNull(jwt, "token");
      this.token = () -> jwt;
      return this;
    }

    /**
     * A source of subscriber JWTs asked before every connection, so a reconnection after the hub
     * ended a stream at its token's expiry gets a fresh one; may return null for none.
     */
    public Builder token(Supplier<String> tokens) {
      this.token = Objects.requireNonNull(tokens, "token");
      return this;
    }

    /** Resumes after this event id; {@code earliest} asks for all the history the hub holds. */
    public Builder lastEventId(String id) {
      this.lastEventId = id;
      return this;
    }

    /** The HTTP client to use (to share its connections or set a proxy, TLS or executor). */
    public Builder httpClient(HttpClient client) {
      this.http = Objects.requireNonNull(client, "httpClient");
      return this;
    }

    /** How long connecting may take, unless an {@link #httpClient} is given (default: 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = HeraldPublisher.positive("connectTimeout", timeout);
      return this;
    }

    /** How long the hub may take to answer a connection with its headers (default: 30 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = HeraldPublisher.positive("requestTimeout", timeout);
      return this;
    }

    /** The base reconnection delay until the stream sends {@code retry:} (default: 1 s). */
    public Builder retry(Duration delay) {
      this.retry = HeraldPublisher.positive("retry", delay);
      return this;
    }

    /**
     * The longest wait before a reconnection, whatever the stream or the backoff say (default: 30
     * s).
     */
    public Builder maxRetry(Duration delay) {
      this.maxRetry = HeraldPublisher.positive("maxRetry", delay);
      return this;
    }

    /**
     * The longest line, and the most data one event may carry, in bytes (default: 4 MiB); a stream
     * beyond it is malformed and the connection ends.
     */
    public Builder maxEventSize(int bytes) {
      if (bytes < 64) {
        throw new IllegalArgumentException("maxEventSize: " + bytes + " (expected: >= 64 bytes)");
      }
      this.maxEventSize = bytes;
      return this;
    }

    /**
     * The longest silence on an open stream before the connection counts as lost and the subscriber
     * reconnects (default: 2 min, three missed heartbeats of a hub that sends one every 40 s);
     * {@link Duration#ZERO} waits forever.
     */
    public Builder readTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "readTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(
            "readTimeout: " + timeout + " (expected: positive, or zero for none)");
      }
      this.readTimeout = timeout;
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    Builder watchdog(Watchdog watchdog, LongSupplier nanoClock) {
      this.watchdog = watchdog;
      this.nanoClock = nanoClock;
      return this;
    }

    /**
     * Starts the subscriber's thread, which connects at once and calls {@code listener}.
     *
     * @throws IllegalStateException if no topic selector was given
     */
    public HeraldSubscriber start(SubscriptionListener listener) {
      Objects.requireNonNull(listener, "listener");
      if (topics.isEmpty()) {
        throw new IllegalStateException("topics: none (expected: at least one topic selector)");
      }
      HeraldSubscriber subscriber = new HeraldSubscriber(this, listener);
      subscriber.start();
      return subscriber;
    }
  }
}
