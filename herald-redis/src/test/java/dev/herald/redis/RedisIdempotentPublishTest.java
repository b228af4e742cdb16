package dev.herald.redis;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.history.IdempotentPublishContract;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotent publishing over the Redis stream: the check is part of the append script, so it is
 * atomic with the append whichever node publishes. One redis-server for the class.
 */
class RedisIdempotentPublishTest extends IdempotentPublishContract {

  @RegisterExtension static final RedisServer.PerClass redis = new RedisServer.PerClass();

  @Override
  protected Hub newHub() {
    return newHubRetaining(100_000);
  }

  /** The append script trims exactly, so nothing waits to be pruned. */
  @Override
  protected Hub newHubRetaining(int events) {
    return new Hub(
        HubConfig.DEFAULTS,
        RedisLog.connect(
            RedisConfig.DEFAULTS
                .withUri(redis.uri())
                .withKeyPrefix("idempotent:" + UUID.randomUUID() + ":")
                .withHistorySize(events)));
  }
}
