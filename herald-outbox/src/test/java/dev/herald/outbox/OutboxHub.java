package dev.herald.outbox;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.redis.RedisConfig;
import dev.herald.redis.RedisLog;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import dev.herald.store.SqliteHistory;
import dev.herald.store.StoreConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A hub with an outbox consumer, as a node assembles it: a {@link HeraldServer} on a random
 * loopback port over a durable history (or a Redis shared log), the consumer opened after the hub
 * and closed before it. Started and closed from the test's (or a child JVM's main) thread.
 */
final class OutboxHub implements AutoCloseable {

  static final JwtKey KEY = JwtKey.parse("HS256", "a-test-secret-that-is-long-enough-for-hs256");

  final HeraldServer server;
  final OutboxConsumer outbox;

  private OutboxHub(HeraldServer server, OutboxConsumer outbox) {
    this.server = server;
    this.outbox = outbox;
  }

  /** Over a SQLite history in {@code dataDir}: what survives a kill -9 of the process. */
  static OutboxHub durable(Path dataDir, OutboxConfig outbox) throws InterruptedException {
    SqliteHistory history =
        SqliteHistory.open(StoreConfig.DEFAULTS.withDataDir(dataDir).withMaxEvents(100_000));
    return start(new Hub(HubConfig.DEFAULTS.withHistorySize(100_000), history), outbox);
  }

  /** One node of a cluster over the Redis stream under {@code prefix}. */
  static OutboxHub redis(String uri, String prefix, OutboxConfig outbox)
      throws InterruptedException {
    RedisLog log =
        RedisLog.connect(
            RedisConfig.DEFAULTS.withUri(uri).withKeyPrefix(prefix).withHistorySize(100_000));
    return start(new Hub(HubConfig.DEFAULTS.withHistorySize(100_000), log), outbox);
  }

  private static OutboxHub start(Hub hub, OutboxConfig config) throws InterruptedException {
    HeraldServer server =
        HeraldServer.builder(
                ServerConfig.builder()
                    .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                    .hub(hub.config())
                    .publisherKey(KEY)
                    .subscriberKey(KEY)
                    .heartbeat(Duration.ofSeconds(40))
                    .shutdownGrace(Duration.ofSeconds(2))
                    .demo(false)
                    .build())
            .hub(hub)
            .start();
    OutboxConsumer outbox = OutboxConsumer.start(config, hub);
    server.metrics().bindPart(outbox);
    return new OutboxHub(server, outbox);
  }

  String base() {
    return "http://127.0.0.1:" + server.port();
  }

  @Override
  public void close() {
    outbox.close();
    server.close(); // closes the hub, which closes its history
  }
}
