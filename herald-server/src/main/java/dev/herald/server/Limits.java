package dev.herald.server;

import java.time.Duration;

/**
 * What one client may cost the hub, and for how long: request sizes, the timeouts of the connection
 * phases, connection counts and stream lifetimes. Every default is here and nowhere else; each
 * limit answers with its own status and a one-line reason, and counts in {@code
 * herald_rejected_total} or {@code herald_timeouts_total}. Immutable, validated once.
 *
 * @param maxRequestLine longest request line, query included, in bytes ({@code 414} over it); the
 *     default fits 1,000 topic selectors of 200 characters
 * @param maxHeaderBlock largest header block in bytes ({@code 431} over it); on HTTP/2 the header
 *     list may hold {@code maxRequestLine + maxHeaderBlock}, as the path is a header there
 * @param headerTimeout time from accept to a complete request head, and for a TLS handshake ({@code
 *     408}, then closed)
 * @param bodyTimeout time from a publish's head to the end of its body ({@code 408}, closed)
 * @param idleTimeout time a kept-alive connection with no request, or an HTTP/2 connection with no
 *     stream, stays open; an open event stream is never idle
 * @param maxConnections open connections over every listener; 0 derives it from the process's
 *     open-file limit (see {@link #resolveMaxConnections}); over it {@code 503} + {@code
 *     Retry-After}, closed at once
 * @param maxConnectionsPerAddress open connections from one client address ({@code 429} over it); 0
 *     is no limit
 * @param maxStreamLifetime how long an event stream may stay open before it is ended, minus up to a
 *     tenth drawn per stream, so subscribers rebalance after a scale-out; 0 is no limit
 * @param expirySpread the window before a token's {@code exp} over which streams whose tokens
 *     expire together are closed, each at its own random instant
 */
public record Limits(
    int maxRequestLine,
    int maxHeaderBlock,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    int maxConnections,
    int maxConnectionsPerAddress,
    Duration maxStreamLifetime,
    Duration expirySpread) {

  /** Every limit at its default, the values {@code herald serve} starts with. */
  public static final Limits DEFAULTS =
      new Limits(
          256 * 1024,
          64 * 1024,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          0,
          0,
          Duration.ZERO,
          Duration.ofSeconds(30));

  /**
   * File descriptors kept back from {@code --max-connections} when it is derived: the JVM's own
   * (jars, epoll or io_uring), the listeners, the durable history's files and readers, Redis
   * connections, and a connection being turned away.
   */
  static final int RESERVED_FILES = 256;

  /** What {@code Retry-After} suggests to a client turned away by a connection limit. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  public Limits {
    requireAtLeast("max-request-line", maxRequestLine, 1024);
    requireAtLeast("max-header-block", maxHeaderBlock, 1024);
    requirePositive("header-timeout", headerTimeout);
    requirePositive("body-timeout", bodyTimeout);
    requirePositive("idle-timeout", idleTimeout);
    requireAtLeast("max-connections", maxConnections, 0);
    requireAtLeast("max-connections-per-address", maxConnectionsPerAddress, 0);
    if (maxStreamLifetime.isNegative()) {
      throw new IllegalArgumentException(
          "max-stream-lifetime: " + maxStreamLifetime + " (expected: >= 0, 0 for no limit)");
    }
    if (expirySpread.isNegative()) {
      throw new IllegalArgumentException("expiry-spread: " + expirySpread + " (expected: >= 0)");
    }
  }

  /**
   * {@code maxConnections}, or when it is 0, the open-file limit less {@link #RESERVED_FILES} and
   * the files open now (at least 16).
   *
   * @param openFileLimit the process's limit ({@code ulimit -n}), or -1 when unknown
   * @param openFiles files open now, or -1 when unknown
   */
  public int resolveMaxConnections(long openFileLimit, long openFiles) {
    if (maxConnections > 0) {
      return maxConnections;
    }
    if (openFileLimit <= 0) {
      return 10_000;
    }
    long room = openFileLimit - RESERVED_FILES - Math.max(0, openFiles);
    return (int) Math.min(Integer.MAX_VALUE, Math.max(16, room));
  }

  public Limits withMaxRequestLine(int bytes) {
    return new Limits(
        bytes,
        maxHeaderBlock,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections,
        maxConnectionsPerAddress,
        maxStreamLifetime,
        expirySpread);
  }

  public Limits withMaxHeaderBlock(int bytes) {
    return new Limits(
        maxRequestLine,
        bytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections,
        maxConnectionsPerAddress,
        maxStreamLifetime,
        expirySpread);
  }

  public Limits withHeaderTimeout(Duration timeout) {
    return new Limits(
        maxRequestLine,
        maxHeaderBlock,
        timeout,
        bodyTimeout,
        idleTimeout,
        maxConnections,
        maxConnectionsPerAddress,
        maxStreamLifetime,
        expirySpread);
  }

  public Limits withBodyTimeout(Duration timeout) {
    return new Limits(
        maxRequestLine,
        maxHeaderBlock,
        headerTimeout,
        timeout,
        idleTimeout,
        maxConnections,
        maxConnectionsPerAddress,
        maxStreamLifetime,
        expirySpread);
  }

  public Limits withIdleTimeout(Duration timeout) {
    return new Limits(
        maxRequestLine,
        maxHeaderBlock,
        headerTimeout,
        bodyTimeout,
        timeout,
        maxConnections,
        maxConnectionsPerAddress,
        maxStreamLifetime,
        expirySpread);
  }

  public Limits withMaxConnections(int connections) {
    return new Limits(
        maxRequestLine,
        maxHeaderBlock,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        connections,
        maxConnectionsPerAddress,
        maxStreamLifetime,
        expirySpread);
  }

  public Limits withMaxConnectionsPerAddress(int connections) {
    return new Limits(
        maxRequestLine,
        maxHeaderBlock,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections,
        connections,
        maxStreamLifetime,
        expirySpread);
  }

  public Limits withMaxStreamLifetime(Duration lifetime) {
    return new Limits(
        maxRequestLine,
        maxHeaderBlock,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections,
        maxConnectionsPerAddress,
        lifetime,
        expirySpread);
  }

  public Limits withExpirySpread(Duration spread) {
    return new Limits(
        maxRequestLine,
        maxHeaderBlock,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections,
        maxConnectionsPerAddress,
        maxStreamLifetime,
        spread);
  }

  private static void requireAtLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
