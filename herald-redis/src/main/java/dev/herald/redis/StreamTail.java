package dev.herald.redis;

import dev.herald.core.Event;
import dev.herald.core.Readiness;
import dev.herald.core.history.SharedLog;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the shared stream from where this node left off and hands each batch to the hub, in the
 * stream's order: the only way events reach this node's subscribers, its own publishes included.
 *
 * <p>After a failure it reconnects by itself and continues from the last sequence it delivered; if
 * the stream no longer holds the events after it (trimmed while this node was away, or Redis lost
 * its data), it tells the hub there is a gap instead of skipping it silently.
 *
 * <p>Threading: runs on its own thread, with a connection of its own for the blocking reads; {@link
 * #readiness}, {@link #lagNanos}, {@link #delivered} and {@link #stop} are safe from any thread.
 */
final class StreamTail implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(StreamTail.class);

  /** Waits between two attempts while Redis is unreachable: short first, jittered, bounded. */
  private static final long MIN_BACKOFF_MILLIS = 50;

  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final RedisCommands<String, String> redis;
  private final RedisLog.Keys keys;
  private final SharedLog.Listener listener;
  private final XReadArgs readArgs;
  private final int batch;
  private final long maxLagNanos;
  private final CountDownLatch stopped = new CountDownLatch(1);

  // Written by the tail thread only, read by any.
  private volatile long delivered;
  private volatile String deliveredId;
  private volatile String failure;
  private volatile boolean caughtUp = true;
  private volatile long caughtUpNanos = System.nanoTime();

  StreamTail(
      RedisCommands<String, String> redis,
      RedisLog.Keys keys,
      SharedLog.Listener listener,
      long startAfter,
      int batch,
      Duration block,
      Duration maxLag) {
    this.redis = redis;
    this.keys = keys;
    this.listener = listener;
    this.delivered = startAfter;
    this.batch = batch;
    this.readArgs = XReadArgs.Builder.block(block).count(batch);
    this.maxLagNanos = maxLag.toNanos();
  }

  /** The last sequence handed to the hub. */
  long delivered() {
    return delivered;
  }

  /**
   * How long the tail has been behind the stream: 0 when its last read found nothing more, else the
   * time since it last did (a full batch, or the hub holding it, counts as behind).
   */
  long lagNanos() {
    return caughtUp ? 0 : Math.max(0, System.nanoTime() - caughtUpNanos);
  }

  Readiness readiness() {
    String reason = failure;
    if (reason != null) {
      return Readiness.notReady("redis unreachable from the tail: " + reason);
    }
    long behind = lagNanos();
    if (behind > maxLagNanos) {
      return Readiness.notReady(
          "tail "
              + TimeUnit.NANOSECONDS.toMillis(behind)
              + " ms behind the stream (expected: at most max-tail-lag "
              + TimeUnit.NANOSECONDS.toMillis(maxLagNanos)
              + " ms)");
    }
    return Readiness.READY;
  }

  /** Asks the loop to end; the current blocking read ends within its block time. */
  void stop() {
    stopped.countDown();
  }

  @Override
  public void run() {
    long backoff = MIN_BACKOFF_MILLIS;
    boolean mustCheck = false;
    while (stopped.getCount() > 0) {
      try {
        if (mustCheck) {
          checkPosition();
          mustCheck = false;
        }
        poll();
        if (failure != null) {
          log.info("tail of {}: reading again after sequence {}", keys.stream(), delivered);
          failure = null;
        }
        backoff = MIN_BACKOFF_MILLIS;
      } catch (RuntimeException e) {
        // Any failure, not only Redis's: a tail thread that died would leave the node silently
        // deaf, where a retrying one keeps /readyz honest and recovers when the cause goes.
        if (stopped.getCount() == 0) {
          break;
        }
        if (failure == null) {
          if (e instanceof RedisException) {
            log.warn("tail of {}: {}; retrying", keys.stream(), e.getMessage());
          } else {
            log.error("tail of {}: reading failed; retrying", keys.stream(), e);
          }
        }
        failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        mustCheck = true;
        try {
          // Full jitter: the nodes of a cluster that lost Redis together do not retry together.
          if (stopped.await(
              ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1),
              TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException interrupted) {
          break;
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  private void poll() {
    List<StreamMessage<String, String>> entries =
        redis.xread(
            readArgs,
            io.lettuce.core.XReadArgs.StreamOffset.from(
                keys.stream(), StreamEntries.entryId(delivered)));
    long polledNanos = System.nanoTime();
    if (entries == null || entries.isEmpty()) {
      caughtUpNanos = polledNanos;
      caughtUp = true;
      return;
    }
    List<Event> events = StreamEntries.toEvents(entries, true);
    long first = events.get(0).sequence();
    if (first != delivered + 1) {
      gap(
          first - 1,
          "events "
              + (delivered + 1)
              + ".."
              + (first - 1)
              + " were trimmed from "
              + keys.stream()
              + " before this node read them");
    }
    boolean full = entries.size() >= batch;
    // The hub may make the tail wait while it is busy: that time counts as lag.
    caughtUp = false;
    listener.deliver(events, StreamEntries.traceContexts(entries));
    Event last = events.get(events.size() - 1);
    delivered = last.sequence();
    deliveredId = last.id();
    if (!full) {
      caughtUpNanos = polledNanos;
      caughtUp = true;
    }
  }

  /**
   * After a failure: Redis may have restarted with less than this node delivered (no persistence,
   * or the last second of an append-only file lost). Sequences would then be reused, and reading on
   * from the old position would skip new events, so it is a gap.
   */
  private void checkPosition() {
    String stored = redis.get(keys.sequence());
    long last = stored == null ? 0 : Long.parseLong(stored);
    if (last < delivered) {
      gap(
          last,
          "the stream ends at "
              + last
              + ", before the "
              + delivered
              + " events this node delivered (Redis lost data)");
      return;
    }
    String id = deliveredId;
    if (id != null && last >= delivered) {
      List<StreamMessage<String, String>> at =
          redis.xrange(
              keys.stream(),
              Range.create(StreamEntries.entryId(delivered), StreamEntries.entryId(delivered)));
      if (!at.isEmpty() && !id.equals(at.get(0).getBody().get("i"))) {
        gap(
            last,
            "the entry at "
                + delivered
                + " is not the event this node delivered there"
                + " (Redis lost data and was written again)");
      }
    }
  }

  private void gap(long resumeAfter, String reason) {
    log.warn("tail of {}: {}", keys.stream(), reason);
    listener.gap(resumeAfter, reason);
    delivered = resumeAfter;
    deliveredId = null;
  }
}
