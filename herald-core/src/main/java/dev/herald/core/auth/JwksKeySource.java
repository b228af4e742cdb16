package dev.herald.core.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys from a JWK Set URL ({@code https://}, {@code file:}, or {@code http://} to a loopback
 * address), cached and refreshed in the background: when a token names a {@code kid} the cache
 * lacks, and when the cache is older than {@code maxAge}. Refreshes are rate-limited to one per
 * {@code minInterval}, so a flood of tokens with made-up key ids costs one fetch. A failed fetch
 * keeps the keys already known; with none known, {@link #unavailableReason()} says why.
 *
 * <p>Thread-safety: {@link #keys()} reads one volatile snapshot and may be called on an event loop;
 * fetches run on the injected executor (a {@link KeyRefresher}) and replace the snapshot.
 */
public final class JwksKeySource implements KeySource {

  private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);

  /** Refreshes at most this often, whatever tokens ask for. */
  public static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);

  /** Refreshes a cache this old on the next request, so removed keys stop working. */
  public static final Duration MAX_AGE = Duration.ofMinutes(5);

  /** Keys read from one set; the rest are ignored (and logged). */
  static final int MAX_KEYS = 64;

  private static final int TIMEOUT_MILLIS = 5_000;
  private static final int SIZE_LIMIT = 512 * 1024;

  /** Fetches the document at a URL; blocking, so only ever called on the refresher. */
  @FunctionalInterface
  public interface Fetcher {
    String fetch(URI url) throws IOException;

    /** Bounded in time (5 s to connect, 5 s to read) and size (512 KiB). */
    static Fetcher standard() {
      DefaultResourceRetriever retriever =
          new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS, SIZE_LIMIT);
      return url -> retriever.retrieveResource(url.toURL()).getContent();
    }
  }

  private record Snapshot(List<TrustedKey> keys, Instant fetchedAt, String failure) {}

  private final URI url;
  private final Set<JWSAlgorithm> allowed;
  private final Fetcher fetcher;
  private final Executor executor;
  private final Clock clock;
  private final Duration minInterval;
  private final Duration maxAge;

  private volatile Snapshot snapshot = new Snapshot(List.of(), null, "not loaded yet");
  // Guarded by this: the fetch under way, and when the last one started.
  private CompletableFuture<Void> inFlight;
  private CompletableFuture<Void> lastFetch;
  private Instant lastAttempt;

  /**
   * @param url a JWK Set URL, checked with {@link #checkUrl}
   * @param allowed the algorithms its keys may verify
   */
  public JwksKeySource(
      URI url,
      Set<JWSAlgorithm> allowed,
      Fetcher fetcher,
      Executor executor,
      Clock clock,
      Duration minInterval,
      Duration maxAge) {
    this.url = checkUrl(url.toString());
    this.allowed = Set.copyOf(allowed);
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.minInterval = minInterval;
    this.maxAge = maxAge;
  }

  /** With the standard fetcher, the default intervals and the system clock. */
  public JwksKeySource(URI url, Set<JWSAlgorithm> allowed, Executor executor) {
    this(
        url,
        allowed,
        Fetcher.standard(),
        executor,
        Clock.systemUTC(),
        MIN_REFRESH_INTERVAL,
        MAX_AGE);
  }

  /**
   * Parses a JWK Set URL: {@code https://}, {@code file:}, or {@code http://} only to a loopback
   * address (a sidecar or a test server), so tokens are never checked against keys that crossed a
   * network in the clear.
   *
   * @throws IllegalArgumentException naming the URL and what is expected
   */
  public static URI checkUrl(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "jwks: " + value + " is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean ok =
        switch (scheme) {
          case "https" -> uri.getHost() != null;
          case "file" -> uri.getPath() != null;
          case "http" -> isLoopback(uri.getHost());
          default -> false;
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "jwks: "
              + value
              + " (expected: an https:// or file: URL, or http:// to a loopback address)");
    }
    return uri;
  }

  /** Starts the first fetch; the returned future completes (never exceptionally) after it. */
  public CompletableFuture<Void> start() {
    return requestRefresh();
  }

  @Override
  public List<TrustedKey> keys() {
    Snapshot current = snapshot;
    if (current.fetchedAt() == null || clock.instant().isAfter(current.fetchedAt().plus(maxAge))) {
      requestRefresh();
    }
    return current.keys();
  }

  @Override
  public void unknownKeyId(String kid) {
    requestRefresh();
  }

  @Override
  public String unavailableReason() {
    Snapshot current = snapshot;
    if (!current.keys().isEmpty()) {
      return null;
    }
    return "no keys from the JWK Set " + url + ": " + current.failure();
  }

  @Override
  public String describe() {
    return "JWK Set " + url;
  }

  /** Where the set is fetched from. */
  public URI url() {
    return url;
  }

  /**
   * Starts a fetch unless one is under way or the last one started less than {@code minInterval}
   * ago. Never blocks.
   *
   * @return the fetch under way (completing, never exceptionally, once the snapshot is replaced or
   *     the failure recorded), or null when the rate limit refused a new one
   */
  public synchronized CompletableFuture<Void> requestRefresh() {
    if (inFlight != null) {
      return inFlight;
    }
    Instant now = clock.instant();
    if (lastAttempt != null && now.isBefore(lastAttempt.plus(minInterval))) {
      return null;
    }
    lastAttempt = now;
    CompletableFuture<Void> fetch = new CompletableFuture<>();
    inFlight = fetch;
    lastFetch = fetch;
    try {
      executor.execute(() -> fetch(fetch));
    } catch (RejectedExecutionException e) { // the hub is shutting down
      inFlight = null;
      fetch.complete(null);
    }
    return fetch;
  }

  /** The most recently started fetch (perhaps done), or null: lets tests wait without sleeping. */
  synchronized CompletableFuture<Void> lastFetch() {
    return lastFetch;
  }

  private void fetch(CompletableFuture<Void> done) {
    try {
      JWKSet set = JWKSet.parse(fetcher.fetch(url));
      List<TrustedKey> keys = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      for (JWK jwk : set.getKeys()) {
        if (keys.size() == MAX_KEYS) {
          skipped.add((set.getKeys().size() - MAX_KEYS) + " keys beyond the first " + MAX_KEYS);
          break;
        }
        try {
          keys.add(TrustedKey.fromJwk(jwk, allowed));
        } catch (IllegalArgumentException e) {
          skipped.add("kid " + jwk.getKeyID() + ": " + e.getMessage());
        }
      }
      if (!skipped.isEmpty()) {
        log.warn("JWK Set {}: ignored {}", url, skipped);
      }
      snapshot =
          new Snapshot(
              List.copyOf(keys),
              clock.instant(),
              keys.isEmpty() ? "the set has no usable signing key" : null);
    } catch (IOException | ParseException | RuntimeException e) {
      // Keep the keys we have: an outage of the key server must not lock everybody out.
      Snapshot previous = snapshot;
      String reason = "fetch failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
      snapshot = new Snapshot(previous.keys(), previous.fetchedAt(), reason);
      // One line per attempt, and attempts are rate-limited: the log stays bounded.
      log.warn("JWK Set {}: {} (keeping {} cached keys)", url, reason, previous.keys().size());
    } finally {
      synchronized (this) {
        inFlight = null;
      }
      done.complete(null);
    }
  }

  private static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    // Only IP literals: resolving a name here could block, and could resolve elsewhere later.
    if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
