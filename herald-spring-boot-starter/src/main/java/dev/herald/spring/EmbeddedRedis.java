package dev.herald.spring;

import dev.herald.node.HistoryBackend;
import dev.herald.node.RedisBackend;
import dev.herald.redis.RedisConfig;
import org.springframework.util.ClassUtils;

/**
 * The embedded hub as one node of a Redis cluster: the only class of the starter that touches
 * herald-redis, which is optional, so an application without it never loads these types. Start-up
 * thread only.
 */
final class EmbeddedRedis {

  private EmbeddedRedis() {}

  /**
   * The shared log {@code herald.embedded.redis*} describes; its size is the hub's history size.
   *
   * @throws HeraldConfigurationException naming herald.embedded.redis when herald-redis is missing
   * @throws IllegalArgumentException naming the wrong property as {@code serve} names its option
   */
  static HistoryBackend backend(HeraldProperties.Embedded p) {
    if (!ClassUtils.isPresent("dev.herald.redis.RedisLog", EmbeddedRedis.class.getClassLoader())) {
      throw new HeraldConfigurationException(
          EmbeddedHubConfig.PREFIX
              + ".redis: "
              + p.redis()
              + " (expected: dev.herald:herald-redis on the classpath)");
    }
    return redis(p);
  }

  private static HistoryBackend redis(HeraldProperties.Embedded p) {
    RedisConfig redis = RedisConfig.DEFAULTS.withUri(p.redis());
    if (p.redisPrefix() != null) {
      redis = redis.withKeyPrefix(p.redisPrefix());
    }
    if (p.redisTimeout() != null) {
      redis = redis.withCommandTimeout(p.redisTimeout());
    }
    if (p.maxTailLag() != null) {
      redis = redis.withMaxTailLag(p.maxTailLag());
    }
    return new RedisBackend(redis);
  }
}
