package dev.herald.bench;

/**
 * How HTTP/2 subscribers are spread over TCP connections: subscriber {@code i} is a stream on
 * connection {@code i % connections}, so no connection carries more than {@link
 * #maxStreamsPerConnection} streams, and that never exceeds the server's {@code
 * SETTINGS_MAX_CONCURRENT_STREAMS}: when the requested connections cannot hold every subscriber
 * within that limit, more are planned.
 *
 * <p>Immutable; safe from any thread.
 *
 * @param connections TCP connections to open
 * @param maxStreamsPerConnection the most streams any of them carries
 */
record ConnectionPlan(int connections, int maxStreamsPerConnection) {

  /** Default subscribers per connection when {@code --connections} is not given. */
  static final int DEFAULT_STREAMS_PER_CONNECTION = 100;

  /** The default of {@code --connections}: one per 100 subscribers, at least one. */
  static int defaultConnections(int subscribers) {
    return Math.max(1, subscribers / DEFAULT_STREAMS_PER_CONNECTION);
  }

  /**
   * @param subscribers streams to open, >= 0
   * @param requested connections asked for, >= 1
   * @param serverMaxStreams the server's SETTINGS_MAX_CONCURRENT_STREAMS; null means unlimited
   */
  static ConnectionPlan of(int subscribers, int requested, Long serverMaxStreams) {
    if (subscribers < 0 || requested < 1) {
      throw new IllegalArgumentException(
          "plan: "
              + subscribers
              + " subscribers over "
              + requested
              + " connections (expected: >= 0 subscribers, >= 1 connection)");
    }
    if (serverMaxStreams != null && serverMaxStreams < 1) {
      throw new IllegalArgumentException(
          "plan: the server allows " + serverMaxStreams + " concurrent streams (expected: >= 1)");
    }
    if (subscribers == 0) {
      return new ConnectionPlan(0, 0);
    }
    long limit = serverMaxStreams == null ? Integer.MAX_VALUE : serverMaxStreams;
    int needed = (int) ((subscribers + limit - 1) / limit);
    int connections = Math.min(subscribers, Math.max(requested, needed));
    return new ConnectionPlan(connections, ceilDiv(subscribers, connections));
  }

  /** The connection that carries subscriber {@code i}. */
  int connectionOf(int subscriber) {
    return subscriber % connections;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
