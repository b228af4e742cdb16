package dev.herald.server.sse;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The event streams currently open, so a graceful shutdown can end each one with a reconnection
 * hint. Bounded by the number of open connections. Safe from any thread.
 */
public final class OpenStreams {

  /** The shortest reconnection delay suggested at shutdown. */
  private static final long MIN_RETRY_MILLIS = 1_000;

  private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();
  private final LongAdder opened = new LongAdder();

  void add(SseStream stream) {
    streams.add(stream);
    opened.increment();
  }

  void remove(SseStream stream) {
    streams.remove(stream);
  }

  public int size() {
    return streams.size();
  }

  /** Streams opened since start, closed ones included. */
  public long opened() {
    return opened.sum();
  }

  /**
   * Ends every stream with a {@code retry:} hint drawn from {@code [1 s, 1 s + spread]}, so the
   * clients of a stopping hub do not all reconnect to the next one in the same second.
   */
  public void endAll(Duration spread) {
    long spreadMillis = Math.max(1, spread.toMillis());
    for (SseStream stream : streams) {
      long retry = MIN_RETRY_MILLIS + ThreadLocalRandom.current().nextLong(spreadMillis);
      stream.endWithRetry(retry);
    }
  }
}
