package dev.herald.redis;

import dev.herald.core.history.History;
import dev.herald.core.history.HistoryContract;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history contract, run against the Redis stream: the same tests the memory and SQLite
 * histories pass. One redis-server for the class; each test gets a fresh key prefix. Runs on the
 * JUnit thread; reads go through the log's reader threads.
 */
class RedisLogContractTest extends HistoryContract {

  @TempDir static Path redisDir;

  private static RedisServer redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start(redisDir, false);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.stop();
    }
  }

  @Override
  protected History newHistory() {
    return RedisLog.connect(RedisConfig.DEFAULTS
        .withUri(redis.uri())
        .withKeyPrefix("contract:" + UUID.randomUUID() + ":")
        .withHistorySize(100_000));
  }

  /** The append script trims exactly, so the store never holds more than asked. */
  @Override
  protected History newHistoryRetaining(int events) {
    return RedisLog.connect(RedisConfig.DEFAULTS
        .withUri(redis.uri())
        .withKeyPrefix("contract:" + UUID.randomUUID() + ":")
        .withHistorySize(events));
  }
}
