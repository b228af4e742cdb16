/**
 * The Redis shared log (Lettuce): one history and fan-out for a cluster of hubs. API: {@link
 * dev.herald.redis.RedisLog}, {@link dev.herald.redis.RedisConfig} and {@link
 * dev.herald.redis.RedisUnavailableException}. {@code RedisCursorStore} and {@code RedisPresence}
 * are public only for herald-node: Not API, they may change without notice.
 */
package dev.herald.redis;
