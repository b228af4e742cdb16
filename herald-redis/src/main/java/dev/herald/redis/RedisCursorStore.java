package dev.herald.redis;

import dev.herald.core.history.CursorStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Durable webhook subscribers' cursors in Redis, shared by a cluster, with one lease per subscriber
 * so exactly one node delivers it: the holder renews it while it delivers; when it dies, another
 * node takes it once it lapses and resumes from the saved cursor. Keys (after the prefix): {@code
 * webhook:cursor:NAME}, {@code webhook:owner:NAME} and the hash {@code webhook:registrations} of
 * subscribers registered by API.
 *
 * <p>Thread-safe: Lettuce's connection is; the renewal times are in a concurrent map.
 */
public final class RedisCursorStore implements CursorStore {

  /** KEYS owner; ARGV node, lease ms: 1 when the node holds the lease now (taken or renewed). */
  private static final String HOLD =
      """
      local owner = redis.call('GET', KEYS[1])
      if owner == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      end
      if not owner then
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
      end
      return 0
      """;

  /** KEYS owner; ARGV node: gives the lease up if this node holds it. */
  private static final String RELEASE =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
      return 0
      """;

  private final String node = "node-" + UUID.randomUUID();
  private final RedisConfig config;
  private final Duration lease;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final Map<String, Long> renewedAt = new ConcurrentHashMap<>();

  private RedisCursorStore(
      RedisConfig config,
      Duration lease,
      ClientResources resources,
      RedisClient client,
      StatefulRedisConnection<String, String> connection) {
    this.config = config;
    this.lease = lease;
    this.resources = resources;
    this.client = client;
    this.connection = connection;
  }

  /**
   * @param lease how long a node that stopped renewing keeps delivering a subscriber, for the
   *     others
   * @throws RedisUnavailableException if Redis cannot be reached
   */
  public static RedisCursorStore open(RedisConfig config, Duration lease) {
    Duration timeout = config.commandTimeout();
    ClientResources resources = RedisClients.smallResources();
    RedisClient client = RedisClients.failFast(resources, timeout);
    try {
      RedisURI uri = config.redisUri();
      uri.setClientName("herald-webhook-cursors");
      StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8, uri);
      return new RedisCursorStore(config, lease, resources, client, connection);
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new RedisUnavailableException(
          "redis " + config.describe() + ": webhook cursors unavailable (" + e.getMessage() + ")",
          e);
    }
  }

  @Override
  public String load(String name) {
    return connection.sync().get(cursorKey(name));
  }

  @Override
  public void save(String name, String lastEventId) {
    connection.sync().set(cursorKey(name), lastEventId);
  }

  @Override
  public boolean hold(String name) {
    Long renewed = renewedAt.get(name);
    long now = System.nanoTime();
    if (renewed != null && now - renewed < lease.toNanos() / 3) {
      return true; // renewed within the last third of the lease: still ours
    }
    Long held =
        connection
            .sync()
            .eval(
                HOLD,
                ScriptOutputType.INTEGER,
                new String[] {ownerKey(name)},
                node,
                Long.toString(lease.toMillis()));
    if (held != null && held == 1) {
      renewedAt.put(name, now);
      return true;
    }
    renewedAt.remove(name);
    return false;
  }

  @Override
  public void release(String name) {
    renewedAt.remove(name);
    connection.sync().eval(RELEASE, ScriptOutputType.INTEGER, new String[] {ownerKey(name)}, node);
  }

  @Override
  public Map<String, String> registrations() {
    return connection.sync().hgetall(registrationsKey());
  }

  @Override
  public void register(String name, String definition) {
    connection.sync().hset(registrationsKey(), name, definition);
  }

  @Override
  public void unregister(String name) {
    connection.sync().hdel(registrationsKey(), name);
    connection.sync().del(cursorKey(name));
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private String cursorKey(String name) {
    return config.keyPrefix() + "webhook:cursor:" + name;
  }

  private String registrationsKey() {
    return config.keyPrefix() + "webhook:registrations";
  }

  private String ownerKey(String name) {
    return config.keyPrefix() + "webhook:owner:" + name;
  }
}
