package dev.herald.spring;

import dev.herald.core.Hub;
import dev.herald.redis.RedisConfig;
import dev.herald.redis.RedisLog;
import dev.herald.redis.RedisUnavailableException;
import org.springframework.util.ClassUtils;

/**
 * The embedded hub as one node of a Redis cluster: the only class that touches herald-redis,
 * which is optional, so an application without it never loads these types. Start-up thread only.
 */
final class EmbeddedRedis {

  private EmbeddedRedis() {}

  /** @throws HeraldConfigurationException naming herald.embedded.redis when it cannot be used */
  static Hub hub(EmbeddedHubConfig config) {
    if (!ClassUtils.isPresent("dev.herald.redis.RedisLog", EmbeddedRedis.class.getClassLoader())) {
      throw new HeraldConfigurationException(EmbeddedHubConfig.PREFIX + ".redis: "
          + config.redis().uri() + " (expected: dev.herald:herald-redis on the classpath)");
    }
    return connect(config);
  }

  private static Hub connect(EmbeddedHubConfig config) {
    EmbeddedHubConfig.Redis settings = config.redis();
    RedisLog log;
    try {
      RedisConfig redis = RedisConfig.DEFAULTS.withUri(settings.uri())
          .withKeyPrefix(settings.keyPrefix())
          .withHistorySize(config.server().hub().historySize());
      if (settings.commandTimeout() != null) {
        redis = redis.withCommandTimeout(settings.commandTimeout());
      }
      if (settings.maxTailLag() != null) {
        redis = redis.withMaxTailLag(settings.maxTailLag());
      }
      log = RedisLog.connect(redis);
    } catch (IllegalArgumentException e) {
      throw HeraldConfigurationException.of(EmbeddedHubConfig.PREFIX, e);
    } catch (RedisUnavailableException e) {
      throw new HeraldConfigurationException(
          EmbeddedHubConfig.PREFIX + ".redis: " + e.getMessage(), e);
    }
    try {
      return new Hub(config.server().hub(), log); // starts the tail
    } catch (RedisUnavailableException e) {
      log.close();
      throw new HeraldConfigurationException(
          EmbeddedHubConfig.PREFIX + ".redis: " + e.getMessage(), e);
    }
  }
}
