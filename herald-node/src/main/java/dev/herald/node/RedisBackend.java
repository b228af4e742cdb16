package dev.herald.node;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.history.CursorStore;
import dev.herald.core.presence.Presence;
import dev.herald.core.trace.PublishTracer;
import dev.herald.redis.RedisConfig;
import dev.herald.redis.RedisCursorStore;
import dev.herald.redis.RedisLog;
import dev.herald.redis.RedisPresence;
import dev.herald.redis.RedisUnavailableException;
import dev.herald.server.http.SubscriptionFormats;
import java.time.Duration;
import java.util.Objects;

/**
 * The history as a stream in Redis, shared by every node of a cluster. The only class of this
 * module that touches herald-redis, which is optional: a node that does not use it never loads
 * Redis classes. An immutable value.
 *
 * @param redis where Redis is and how the node uses it
 * @param presenceLease how long a node that stopped renewing its presence lease (killed, cut off)
 *     keeps its subscriptions in the others' eyes
 */
public record RedisBackend(RedisConfig redis, Duration presenceLease) implements HistoryBackend {

  /** The default presence lease: a dead node's subscriptions end within about this long. */
  public static final Duration DEFAULT_PRESENCE_LEASE = Duration.ofSeconds(15);

  public RedisBackend {
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(presenceLease, "presenceLease");
    if (presenceLease.toMillis() < 300) {
      throw new IllegalArgumentException(
          "presence-lease: " + presenceLease + " (expected: >= 300ms)");
    }
  }

  /** A Redis backend with the {@link #DEFAULT_PRESENCE_LEASE}. */
  public RedisBackend(RedisConfig redis) {
    this(redis, DEFAULT_PRESENCE_LEASE);
  }

  public RedisBackend withPresenceLease(Duration value) {
    return new RedisBackend(redis, value);
  }

  /**
   * @throws IllegalArgumentException for 0: the stream is also what the nodes' tails read
   */
  @Override
  public HistoryBackend withHistorySize(int size) {
    return new RedisBackend(redis.withHistorySize(size), presenceLease);
  }

  @Override
  public Hub openHub(HubConfig hub, PublishTracer tracer) {
    RedisLog log;
    try {
      log = RedisLog.connect(redis);
    } catch (RedisUnavailableException e) {
      throw new HistoryUnavailableException("redis", e.getMessage(), e);
    }
    try {
      return new Hub(hub, log, tracer); // the log's tail starts here
    } catch (RedisUnavailableException e) {
      log.close();
      throw new HistoryUnavailableException("redis", e.getMessage(), e);
    }
  }

  @Override
  public Presence clusterPresence(Hub hub) {
    try {
      return RedisPresence.open(redis, presenceLease, hub, SubscriptionFormats.ALL);
    } catch (RedisUnavailableException e) {
      throw new HistoryUnavailableException("redis", e.getMessage(), e);
    }
  }

  @Override
  public CursorStore sharedCursors() {
    try {
      return RedisCursorStore.open(redis, presenceLease);
    } catch (RedisUnavailableException e) {
      throw new HistoryUnavailableException("redis", e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "shared by the cluster in Redis "
        + redis.describe()
        + ", stream "
        + redis.keyPrefix()
        + "events, newest "
        + redis.historySize()
        + " events";
  }

  @Override
  public boolean shared() {
    return true;
  }
}
