package dev.herald.server;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The authorization callback: the application's URL the hub asks whether a request may subscribe or
 * publish when it carries no valid token (or always), what it forwards, and the bounds that keep a
 * slow or dead application from hanging the hub or letting anyone in. Validated once.
 *
 * <p>Thread-safety: immutable.
 *
 * @param url the application's endpoint, {@code http} or {@code https}
 * @param cookies the cookies forwarded to it (none by default: the application names its session
 *     cookie)
 * @param timeout how long one call may take before the request is answered 503
 * @param always ask even when the request carries a valid token (its grants are then ignored)
 * @param maxConcurrent calls in flight at most; past that a request is answered 503 at once
 * @param cacheSize decisions remembered at most (each for its granted lifetime)
 * @param failuresToOpen consecutive failures that open the circuit
 * @param openFor how long an open circuit answers 503 before one call probes the application
 * @param defaultLifetime a grant's lifetime when the answer names none
 */
public record AuthCallbackConfig(
    URI url,
    List<String> cookies,
    Duration timeout,
    boolean always,
    int maxConcurrent,
    int cacheSize,
    int failuresToOpen,
    Duration openFor,
    Duration defaultLifetime) {

  /** The default {@code timeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /** The default {@code maxConcurrent}. */
  public static final int DEFAULT_MAX_CONCURRENT = 64;

  /** The default {@code cacheSize}. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  /** The default {@code failuresToOpen}. */
  public static final int DEFAULT_FAILURES_TO_OPEN = 5;

  /** The default {@code openFor}. */
  public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(5);

  /** The default {@code defaultLifetime}. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(1);

  /** The longest lifetime an answer may grant: a day, so a decision is never forever. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(1);

  public AuthCallbackConfig {
    if (url == null
        || url.getScheme() == null
        || url.getHost() == null
        || !List.of("http", "https").contains(url.getScheme().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "auth-callback: " + url + " (expected: an absolute http:// or https:// URL)");
    }
    cookies = cookies == null ? List.of() : List.copyOf(cookies);
    for (String cookie : cookies) {
      if (cookie.isBlank() || cookie.indexOf(';') >= 0 || cookie.indexOf('=') >= 0) {
        throw new IllegalArgumentException(
            "auth-callback-cookies: '" + cookie + "' (expected: cookie names, comma-separated)");
      }
    }
    positive("auth-callback-timeout", timeout);
    positive("auth-callback open-for", openFor);
    positive("auth-callback default lifetime", defaultLifetime);
    if (maxConcurrent < 1 || cacheSize < 0 || failuresToOpen < 1) {
      throw new IllegalArgumentException(
          "auth-callback bounds: maxConcurrent "
              + maxConcurrent
              + ", cacheSize "
              + cacheSize
              + ", failuresToOpen "
              + failuresToOpen
              + " (expected: >= 1, >= 0, >= 1)");
    }
  }

  /** The callback at {@code url} with every other setting at its default. */
  public static AuthCallbackConfig of(URI url) {
    return new AuthCallbackConfig(
        url,
        List.of(),
        DEFAULT_TIMEOUT,
        false,
        DEFAULT_MAX_CONCURRENT,
        DEFAULT_CACHE_SIZE,
        DEFAULT_FAILURES_TO_OPEN,
        DEFAULT_OPEN_FOR,
        DEFAULT_LIFETIME);
  }

  public AuthCallbackConfig withCookies(List<String> names) {
    return new AuthCallbackConfig(
        url,
        names,
        timeout,
        always,
        maxConcurrent,
        cacheSize,
        failuresToOpen,
        openFor,
        defaultLifetime);
  }

  public AuthCallbackConfig withTimeout(Duration value) {
    return new AuthCallbackConfig(
        url,
        cookies,
        value,
        always,
        maxConcurrent,
        cacheSize,
        failuresToOpen,
        openFor,
        defaultLifetime);
  }

  public AuthCallbackConfig withAlways(boolean value) {
    return new AuthCallbackConfig(
        url,
        cookies,
        timeout,
        value,
        maxConcurrent,
        cacheSize,
        failuresToOpen,
        openFor,
        defaultLifetime);
  }

  public AuthCallbackConfig withMaxConcurrent(int value) {
    return new AuthCallbackConfig(
        url, cookies, timeout, always, value, cacheSize, failuresToOpen, openFor, defaultLifetime);
  }

  /** This configuration with the circuit opening after {@code failures}, for {@code open}. */
  public AuthCallbackConfig withCircuit(int failures, Duration open) {
    return new AuthCallbackConfig(
        url, cookies, timeout, always, maxConcurrent, cacheSize, failures, open, defaultLifetime);
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
