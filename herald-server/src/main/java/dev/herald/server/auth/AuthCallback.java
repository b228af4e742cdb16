package dev.herald.server.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.auth.Claims;
import dev.herald.server.AuthCallbackConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Asks the application whether a request may subscribe or publish, and remembers the answer for its
 * granted lifetime. The request and answer are a small JSON contract (README, "Authorization
 * callback"); a grant is read into the same {@link Claims} a draft-07 token gives, so the hub
 * authorizes it exactly like a token, live and on replay.
 *
 * <p>Never fails open: a call that takes longer than the timeout, a connection failure, an
 * unexpected status or an unreadable answer are a {@link CallbackRefusal} of 503 with {@code
 * Retry-After}; at most {@code maxConcurrent} calls are in flight (past that: 503 at once), and a
 * {@link CircuitBreaker} stops calling an application that keeps failing. The same question from
 * the same identity (a reconnect storm) costs one call: concurrent ones join the call on its way,
 * later ones read the bounded cache until the grant expires. Denials are not cached.
 *
 * <p>The JDK {@link HttpClient} sends asynchronously and completes on its own two-thread executor,
 * never on an event loop; callers hop back to their loop. Thread-safety: any thread. {@link #close}
 * stops the executor.
 */
public final class AuthCallback implements AccessDecider, MeterBinder {

  /** An answer longer than this is not read (grants are a few lines of JSON). */
  static final int MAX_ANSWER_BYTES = 64 * 1024;

  /** A grant, served from the cache until the window in which its streams close opens. */
  private record Cached(Claims grants, Instant servedUntil) {}

  private final AuthCallbackConfig config;
  private final Clock clock;
  private final Duration expirySpread;
  private final HttpClient client;
  private final ExecutorService executor;
  private final Semaphore permits;
  private final CircuitBreaker breaker;
  private final Map<String, CompletableFuture<Claims>> inFlight = new ConcurrentHashMap<>();
  private final Map<CallbackOutcome, LongAdder> outcomes = new EnumMap<>(CallbackOutcome.class);

  // guarded by itself; least recently used first, bounded by cacheSize
  private final LinkedHashMap<String, Cached> cache;

  /**
   * @param expirySpread the widest window before expiry over which the server closes streams
   *     (Limits): a grant is served from the cache only until that window opens, so the stream a
   *     client opens after the close is decided afresh, never on a grant about to lapse
   */
  public AuthCallback(AuthCallbackConfig config, Clock clock, Duration expirySpread) {
    this.expirySpread = expirySpread;
    this.config = config;
    this.clock = clock;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "herald-auth-callback-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.client =
        HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.permits = new Semaphore(config.maxConcurrent());
    this.breaker = new CircuitBreaker(config.failuresToOpen(), config.openFor(), clock);
    for (CallbackOutcome outcome : CallbackOutcome.values()) {
      outcomes.put(outcome, new LongAdder());
    }
    int capacity = config.cacheSize();
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > capacity;
          }
        };
  }

  public AuthCallbackConfig config() {
    return config;
  }

  @Override
  public List<String> forwardedCookies() {
    return config.cookies();
  }

  @Override
  public boolean decidesEveryRequest() {
    return config.always();
  }

  /** How often {@code outcome} happened since start. */
  public long count(CallbackOutcome outcome) {
    return outcomes.get(outcome).sum();
  }

  /** {@code herald_auth_callback_total{outcome}}: the questions asked, by how they ended. */
  @Override
  public void bindTo(MeterRegistry registry) {
    for (CallbackOutcome outcome : CallbackOutcome.values()) {
      FunctionCounter.builder("herald.auth.callback", this, c -> c.count(outcome))
          .description("Questions to the authorization callback, by outcome")
          .tag("outcome", outcome.label())
          .register(registry);
    }
  }

  /** The circuit's state, for tests and /info. */
  CircuitBreaker.State circuit() {
    return breaker.state();
  }

  /**
   * The application's grants for {@code question}: completes with claims, or fails with a {@link
   * CallbackRefusal}. Never blocks; may complete at once (cached, or refused without a call).
   */
  @Override
  public CompletionStage<Claims> decide(Question question) {
    String key = question.key();
    Claims cached = cached(key);
    if (cached != null) {
      count(CallbackOutcome.CACHED, 1);
      return CompletableFuture.completedFuture(cached);
    }
    CompletableFuture<Claims> promise = new CompletableFuture<>();
    CompletableFuture<Claims> existing = inFlight.putIfAbsent(key, promise);
    if (existing != null) {
      count(CallbackOutcome.JOINED, 1);
      return existing.copy();
    }
    call(question)
        .whenComplete(
            (grants, failure) -> {
              if (failure == null) {
                remember(key, grants);
              }
              inFlight.remove(key, promise);
              if (failure == null) {
                promise.complete(grants);
              } else {
                promise.completeExceptionally(unwrap(failure));
              }
            });
    return promise.copy();
  }

  private CompletableFuture<Claims> call(Question question) {
    if (!breaker.tryAcquire()) {
      count(CallbackOutcome.CIRCUIT_OPEN, 1);
      return CompletableFuture.failedFuture(
          CallbackRefusal.unavailable(
              "authorization callback failing, not asked (circuit open)",
              breaker.retryAfterSeconds()));
    }
    if (!permits.tryAcquire()) {
      breaker.released();
      count(CallbackOutcome.BUSY, 1);
      return CompletableFuture.failedFuture(
          CallbackRefusal.unavailable(
              "authorization callback busy: "
                  + config.maxConcurrent()
                  + " calls in flight (the limit)",
              1));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(config.url())
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json");
    if (!question.cookies().isEmpty()) {
      // Also as a Cookie header, so the application's own session machinery finds its session.
      request.header("Cookie", cookieHeader(question.cookies()));
    }
    HttpRequest built =
        request
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSONObjectUtils.toJSONString(question.json()), StandardCharsets.UTF_8))
            .build();
    CompletableFuture<HttpResponse<byte[]>> sent;
    try {
      sent = client.sendAsync(built, info -> LimitedBody.of(MAX_ANSWER_BYTES));
    } catch (RuntimeException e) {
      permits.release();
      breaker.failed();
      count(CallbackOutcome.FAILED, 1);
      return CompletableFuture.failedFuture(
          CallbackRefusal.unavailable("authorization callback failed: " + e, 1));
    }
    return sent.copy()
        .orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (response, failure) -> {
              permits.release();
              if (failure != null) {
                sent.cancel(true); // a timed-out exchange is abandoned, its connection too
                return failedCall(unwrap(failure));
              }
              return answered(response);
            });
  }

  private static String cookieHeader(Map<String, String> cookies) {
    StringBuilder header = new StringBuilder();
    new TreeMap<>(cookies)
        .forEach(
            (name, value) ->
                header
                    .append(header.length() == 0 ? "" : "; ")
                    .append(name)
                    .append('=')
                    .append(value));
    return header.toString();
  }

  private Claims failedCall(Throwable failure) {
    breaker.failed();
    boolean timedOut =
        failure instanceof TimeoutException || failure instanceof HttpTimeoutException;
    count(timedOut ? CallbackOutcome.TIMEOUT : CallbackOutcome.FAILED, 1);
    throw CallbackRefusal.unavailable(
        timedOut
            ? "authorization callback did not answer within " + config.timeout().toMillis() + " ms"
            : "authorization callback failed: " + failure,
        retryAfter());
  }

  private Claims answered(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (status == 401 || status == 403) {
      breaker.succeeded(); // the application is alive and decided
      count(CallbackOutcome.DENIED, 1);
      throw CallbackRefusal.denied(status, "authorization callback: " + reason(status, body));
    }
    if (status != 200) {
      breaker.failed();
      count(CallbackOutcome.FAILED, 1);
      throw CallbackRefusal.unavailable(
          "authorization callback answered " + status + " (expected: 200, 401 or 403)",
          retryAfter());
    }
    Claims grants;
    try {
      grants = grants(body);
    } catch (ParseException | IllegalArgumentException | ClassCastException e) {
      breaker.failed();
      count(CallbackOutcome.FAILED, 1);
      throw CallbackRefusal.unavailable(
          "authorization callback answer unreadable: " + e.getMessage(), retryAfter());
    }
    breaker.succeeded();
    count(CallbackOutcome.GRANTED, 1);
    return grants;
  }

  /** The answer in the tokens' vocabulary: subscribe and publish selectors, payload, lifetime. */
  private Claims grants(String body) throws ParseException {
    Map<String, Object> json = JSONObjectUtils.parse(body);
    List<String> subscribe = strings(json, "subscribe");
    List<String> publish = strings(json, "publish");
    Duration lifetime = config.defaultLifetime();
    Object expiresIn = json.get("expires_in");
    if (expiresIn != null) {
      if (!(expiresIn instanceof Number seconds) || seconds.doubleValue() <= 0) {
        throw new IllegalArgumentException("expires_in: " + expiresIn + " (expected: seconds > 0)");
      }
      lifetime = Duration.ofMillis((long) (seconds.doubleValue() * 1000));
    }
    if (lifetime.compareTo(AuthCallbackConfig.MAX_LIFETIME) > 0) {
      lifetime = AuthCallbackConfig.MAX_LIFETIME;
    }
    return new Claims(publish, subscribe, json.get("payload"), clock.instant().plus(lifetime));
  }

  private static List<String> strings(Map<String, Object> json, String name) {
    Object value = json.get(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a list of strings)");
    }
    return list.stream().map(String.class::cast).toList();
  }

  private static String reason(int status, String body) {
    String text = body.strip();
    try {
      Object reason = JSONObjectUtils.parse(text).get("reason");
      if (reason instanceof String r) {
        text = r;
      }
    } catch (ParseException e) {
      // a plain-text reason
    }
    int newline = text.indexOf('\n');
    text = newline < 0 ? text : text.substring(0, newline);
    text = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return text.isEmpty() ? (status == 401 ? "not authenticated" : "not allowed") : text;
  }

  private long retryAfter() {
    return breaker.state() == CircuitBreaker.State.OPEN ? breaker.retryAfterSeconds() : 1;
  }

  private Claims cached(String key) {
    synchronized (cache) {
      Cached entry = cache.get(key);
      if (entry == null) {
        return null;
      }
      if (!clock.instant().isBefore(entry.servedUntil())) {
        cache.remove(key);
        return null;
      }
      return entry.grants();
    }
  }

  private void remember(String key, Claims grants) {
    if (config.cacheSize() == 0) {
      return;
    }
    Duration life = Duration.between(clock.instant(), grants.expiresAt());
    Duration window = life.dividedBy(10);
    if (window.compareTo(expirySpread) > 0) {
      window = expirySpread;
    }
    synchronized (cache) {
      cache.put(key, new Cached(grants, grants.expiresAt().minus(window)));
    }
  }

  private void count(CallbackOutcome outcome, int n) {
    outcomes.get(outcome).add(n);
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
