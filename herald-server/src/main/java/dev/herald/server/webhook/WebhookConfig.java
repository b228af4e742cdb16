package dev.herald.server.webhook;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where presence webhooks go and how hard the hub tries, validated once; every default is here.
 * Immutable; safe from any thread.
 *
 * @param urls the receivers ({@code http} or {@code https}); none: webhooks are off
 * @param secret the Standard Webhooks signing secret, {@code whsec_} + base64 (the prefix is
 *     optional); required when there is a receiver
 * @param queueCapacity events that may wait per receiver; past it the oldest is dropped (counted)
 * @param retryFor how long one event is retried before it is given up (counted)
 * @param firstRetry the first retry's delay, doubled at each attempt up to {@code maxRetryDelay},
 *     each with full jitter
 * @param maxRetryDelay the longest wait between two attempts
 * @param timeout how long one attempt may take, connection included
 * @param subscribers durable webhook subscribers (updates, not presence), signed with the same
 *     secret
 * @param cursorDir where durable webhook subscribers' cursors are saved, or null for memory only (a
 *     restarted hub then starts them from then on)
 */
public record WebhookConfig(
    List<URI> urls,
    String secret,
    int queueCapacity,
    Duration retryFor,
    Duration firstRetry,
    Duration maxRetryDelay,
    Duration timeout,
    List<WebhookSubscription> subscribers,
    Path cursorDir) {

  /** No webhook, every other setting at its default. */
  public static final WebhookConfig NONE =
      new WebhookConfig(
          List.of(),
          null,
          10_000,
          Duration.ofMinutes(10),
          Duration.ofMillis(500),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          List.of(),
          null);

  public WebhookConfig {
    urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
    subscribers = List.copyOf(Objects.requireNonNull(subscribers, "subscribers"));
    if (subscribers.stream().map(WebhookSubscription::name).distinct().count()
        != subscribers.size()) {
      throw new IllegalArgumentException(
          "webhook-subscriber: a name given twice (expected: one name per subscriber)");
    }
    Objects.requireNonNull(retryFor, "retryFor");
    Objects.requireNonNull(firstRetry, "firstRetry");
    Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
    Objects.requireNonNull(timeout, "timeout");
    for (URI url : urls) {
      String scheme = url.getScheme();
      if (url.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
        throw new IllegalArgumentException(
            "webhook: " + url + " (expected: an absolute http:// or https:// URL)");
      }
    }
    if (!urls.isEmpty() || !subscribers.isEmpty()) {
      if (secret == null || secret.isBlank()) {
        throw new IllegalArgumentException(
            "webhook-secret: missing (expected: whsec_ followed by base64, with --webhook or"
                + " --webhook-subscriber)");
      }
    }
    if (secret != null) {
      WebhookSignature.key(secret); // fails on a secret that is not base64
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("webhook queue: " + queueCapacity + " (expected: >= 1)");
    }
    if (retryFor.isNegative()
        || !positive(firstRetry)
        || maxRetryDelay.compareTo(firstRetry) < 0
        || !positive(timeout)) {
      throw new IllegalArgumentException(
          "webhook retry for, first retry, max delay, timeout: "
              + retryFor
              + ", "
              + firstRetry
              + ", "
              + maxRetryDelay
              + ", "
              + timeout
              + " (expected: >= 0, > 0, >= first retry, > 0)");
    }
  }

  /** Receivers {@code urls} signed with {@code secret}, other settings by default. */
  public static WebhookConfig of(List<URI> urls, String secret) {
    return new WebhookConfig(
        urls,
        secret,
        NONE.queueCapacity,
        NONE.retryFor,
        NONE.firstRetry,
        NONE.maxRetryDelay,
        NONE.timeout,
        List.of(),
        null);
  }

  /** Whether presence webhooks are on: some receiver is configured. */
  public boolean enabled() {
    return !urls.isEmpty();
  }

  public WebhookConfig withSubscribers(List<WebhookSubscription> value) {
    return new WebhookConfig(
        urls,
        secret,
        queueCapacity,
        retryFor,
        firstRetry,
        maxRetryDelay,
        timeout,
        value,
        cursorDir);
  }

  public WebhookConfig withUrls(List<URI> value) {
    return new WebhookConfig(
        value,
        secret,
        queueCapacity,
        retryFor,
        firstRetry,
        maxRetryDelay,
        timeout,
        subscribers,
        cursorDir);
  }

  public WebhookConfig withSecret(String value) {
    return new WebhookConfig(
        urls,
        value,
        queueCapacity,
        retryFor,
        firstRetry,
        maxRetryDelay,
        timeout,
        subscribers,
        cursorDir);
  }

  /**
   * This configuration retrying a failed delivery for {@code retryFor}, first after {@code
   * firstRetry}, then doubling up to {@code maxDelay} between attempts.
   */
  public WebhookConfig withRetries(Duration retryFor, Duration firstRetry, Duration maxDelay) {
    return new WebhookConfig(
        urls,
        secret,
        queueCapacity,
        retryFor,
        firstRetry,
        maxDelay,
        timeout,
        subscribers,
        cursorDir);
  }

  public WebhookConfig withCursorDir(Path value) {
    return new WebhookConfig(
        urls,
        secret,
        queueCapacity,
        retryFor,
        firstRetry,
        maxRetryDelay,
        timeout,
        subscribers,
        value);
  }

  public WebhookConfig withQueueCapacity(int value) {
    return new WebhookConfig(
        urls, secret, value, retryFor, firstRetry, maxRetryDelay, timeout, subscribers, cursorDir);
  }

  public WebhookConfig withTimeout(Duration value) {
    return new WebhookConfig(
        urls,
        secret,
        queueCapacity,
        retryFor,
        firstRetry,
        maxRetryDelay,
        value,
        subscribers,
        cursorDir);
  }

  private static boolean positive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }
}
