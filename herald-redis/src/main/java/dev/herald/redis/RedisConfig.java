package dev.herald.redis;

import dev.herald.core.HubConfig;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a hub uses Redis as its shared log, validated once; every default is here and nowhere else.
 * Immutable; safe from any thread.
 *
 * @param uri where Redis is, as Lettuce reads it: {@code
 *     redis://[[user:]password@]HOST[:PORT][/DB]}, {@code rediss://...} for TLS, or {@code
 *     redis-sentinel://[password@]HOST[:PORT][,HOST2...][/DB]#MASTER}
 * @param keyPrefix prepended to every key the hub uses, so several clusters can share a Redis
 * @param historySize events the stream retains (MAXLEN): the replay window of reconnecting
 *     subscribers, and also how far a node's tail may fall behind before it misses events; a node
 *     sets it to the hub's history size
 * @param maxTailLag how long this node's tail may stay behind the stream before {@code /readyz}
 *     says not ready
 * @param commandTimeout how long a command may wait for Redis before it fails (a publish: 503)
 * @param readerThreads threads that read replays from the stream
 * @param readerQueueCapacity replay reads that may wait for a reader thread; past it the stream of
 *     the subscriber whose read was refused ends, and its client resumes with Last-Event-ID
 * @param tailBatch entries the tail reads at once
 * @param tailBlock how long one read of the tail waits for new entries
 */
public record RedisConfig(
    String uri,
    String keyPrefix,
    long historySize,
    Duration maxTailLag,
    Duration commandTimeout,
    int readerThreads,
    int readerQueueCapacity,
    int tailBatch,
    Duration tailBlock) {

  /**
   * Every setting at its default: {@code redis://localhost:6379}, the values {@code herald serve}
   * starts with.
   */
  public static final RedisConfig DEFAULTS =
      new RedisConfig(
          "redis://localhost:6379",
          "herald:",
          HubConfig.DEFAULTS.historySize(),
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          2,
          8_192,
          1_024,
          Duration.ofSeconds(1));

  public RedisConfig {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(maxTailLag, "maxTailLag");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    Objects.requireNonNull(tailBlock, "tailBlock");
    parse(uri);
    if (historySize < 1) {
      // The stream is also what the tails read: with nothing retained, no node would get anything.
      throw new IllegalArgumentException(
          "history-size: " + historySize + " (expected: >= 1 with --redis)");
    }
    if (!positive(maxTailLag)) {
      throw new IllegalArgumentException("max-tail-lag: " + maxTailLag + " (expected: > 0)");
    }
    if (!positive(commandTimeout)) {
      throw new IllegalArgumentException("redis-timeout: " + commandTimeout + " (expected: > 0)");
    }
    if (readerThreads < 1 || readerQueueCapacity < 1 || tailBatch < 1 || !positive(tailBlock)) {
      throw new IllegalArgumentException(
          "redis readers, queue, tail batch and block: "
              + readerThreads
              + ", "
              + readerQueueCapacity
              + ", "
              + tailBatch
              + ", "
              + tailBlock
              + " (expected: > 0)");
    }
  }

  public RedisConfig withUri(String value) {
    return with(copy -> copy.uri = value);
  }

  public RedisConfig withKeyPrefix(String value) {
    return with(copy -> copy.keyPrefix = value);
  }

  public RedisConfig withHistorySize(long value) {
    return with(copy -> copy.historySize = value);
  }

  public RedisConfig withMaxTailLag(Duration value) {
    return with(copy -> copy.maxTailLag = value);
  }

  public RedisConfig withCommandTimeout(Duration value) {
    return with(copy -> copy.commandTimeout = value);
  }

  public RedisConfig withTailBatch(int value) {
    return with(copy -> copy.tailBatch = value);
  }

  /** This configuration with what {@code change} sets, validated again. */
  private RedisConfig with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return new RedisConfig(
        copy.uri,
        copy.keyPrefix,
        copy.historySize,
        copy.maxTailLag,
        copy.commandTimeout,
        copy.readerThreads,
        copy.readerQueueCapacity,
        copy.tailBatch,
        copy.tailBlock);
  }

  /** The components as fields, so each wither names only the one it changes. */
  private static final class Copy {
    String uri;
    String keyPrefix;
    long historySize;
    Duration maxTailLag;
    Duration commandTimeout;
    int readerThreads;
    int readerQueueCapacity;
    int tailBatch;
    Duration tailBlock;

    Copy(RedisConfig from) {
      uri = from.uri;
      keyPrefix = from.keyPrefix;
      historySize = from.historySize;
      maxTailLag = from.maxTailLag;
      commandTimeout = from.commandTimeout;
      readerThreads = from.readerThreads;
      readerQueueCapacity = from.readerQueueCapacity;
      tailBatch = from.tailBatch;
      tailBlock = from.tailBlock;
    }
  }

  /** The URI as Lettuce reads it; a new instance each time, as RedisURI is mutable. */
  RedisURI redisUri() {
    return parse(uri);
  }

  /**
   * Where Redis is, for messages and logs: scheme, hosts, ports and database, never the credentials
   * (Lettuce's own masking would still show the password's length).
   */
  public String describe() {
    RedisURI parsed = parse(uri);
    String where;
    if (!parsed.getSentinels().isEmpty()) {
      StringBuilder hosts = new StringBuilder();
      for (RedisURI sentinel : parsed.getSentinels()) {
        hosts
            .append(hosts.length() == 0 ? "" : ",")
            .append(sentinel.getHost())
            .append(':')
            .append(sentinel.getPort());
      }
      where = "redis-sentinel://" + hosts + "#" + parsed.getSentinelMasterId();
    } else if (parsed.getSocket() != null) {
      where = "redis-socket://" + parsed.getSocket();
    } else {
      where =
          (parsed.isSsl() ? "rediss://" : "redis://") + parsed.getHost() + ":" + parsed.getPort();
    }
    return parsed.getDatabase() == 0 ? where : where + " database " + parsed.getDatabase();
  }

  private static boolean positive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }

  private static RedisURI parse(String uri) {
    try {
      return RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "redis: '"
              + uri
              + "' is not a Redis URI: "
              + e.getMessage()
              + " (expected: redis://HOST:PORT[/DB], rediss://..., or"
              + " redis-sentinel://HOST:PORT[,HOST:PORT]#MASTER)");
    }
  }
}
