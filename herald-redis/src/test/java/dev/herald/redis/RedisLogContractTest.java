package dev.herald.redis;

import dev.herald.core.Event;
import dev.herald.core.history.History;
import dev.herald.core.history.HistoryContract;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history contract, run against the Redis stream: the same tests the memory and SQLite
 * histories pass. One redis-server for the class; each test gets a fresh key prefix. Runs on the
 * JUnit thread; reads go through the log's reader threads.
 */
class RedisLogContractTest extends HistoryContract {

  @RegisterExtension static final RedisServer.PerClass redis = new RedisServer.PerClass();

  @Override
  protected History newHistory() {
    return asHistory(
        RedisLog.connect(
            RedisConfig.DEFAULTS
                .withUri(redis.uri())
                .withKeyPrefix("contract:" + UUID.randomUUID() + ":")
                .withHistorySize(100_000)));
  }

  private static History asHistory(RedisLog log) {
    // The log's blocking calls are not part of SharedLog (a hub never makes them); the contract
    // reaches them through this view.
    return new History() {
      @Override
      public void append(List<Event> events) {
        log.append(events);
      }

      @Override
      public List<Event> read(long afterSequence, long upToSequence, int max) {
        return log.read(afterSequence, upToSequence, max);
      }

      @Override
      public Executor readExecutor() {
        return log.readExecutor();
      }

      @Override
      public long sequenceOf(String id) {
        return log.sequenceOf(id);
      }

      @Override
      public long lastSequence() {
        return log.lastSequence();
      }

      @Override
      public String lastId() {
        return log.lastId();
      }

      @Override
      public long retained() {
        return log.retained();
      }

      @Override
      public void close() {
        log.close();
      }
    };
  }

  /** The append script trims exactly, so the store never holds more than asked. */
  @Override
  protected History newHistoryRetaining(int events) {
    return asHistory(
        RedisLog.connect(
            RedisConfig.DEFAULTS
                .withUri(redis.uri())
                .withKeyPrefix("contract:" + UUID.randomUUID() + ":")
                .withHistorySize(events)));
  }
}
