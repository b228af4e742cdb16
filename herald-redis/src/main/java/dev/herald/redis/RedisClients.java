package dev.herald.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;

/**
 * The small Lettuce client a node's side parts (presence, webhook cursors) talk to Redis with: one
 * I/O thread, commands failing at once while disconnected (the caller retries or reports) rather
 * than queueing, keep-alive on. Stateless factories; safe from any thread.
 */
final class RedisClients {

  private RedisClients() {}

  /** One I/O and one computation thread; shut them down with the client. */
  static ClientResources smallResources() {
    return DefaultClientResources.builder()
        .ioThreadPoolSize(1)
        .computationThreadPoolSize(1)
        .build();
  }

  static RedisClient failFast(ClientResources resources, Duration timeout) {
    RedisClient client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
    return client;
  }
}
