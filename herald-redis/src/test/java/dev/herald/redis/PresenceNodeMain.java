package dev.herald.redis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A node with cluster presence and webhooks in a child JVM, for the {@code kill -9} test: {@code
 * PresenceNodeMain REDIS_URI LEASE_MILLIS WEBHOOK_URL PORT_FILE} starts a {@link PresenceNode},
 * writes its port to PORT_FILE, and runs until killed. Runs on its main thread, which then waits.
 */
public final class PresenceNodeMain {

  private PresenceNodeMain() {}

  public static void main(String[] args) throws Exception {
    RedisConfig redis =
        RedisConfig.DEFAULTS.withUri(args[0]).withCommandTimeout(Duration.ofSeconds(2));
    PresenceNode node =
        PresenceNode.start(redis, Duration.ofMillis(Long.parseLong(args[1])), args[2]);
    Path partial = Path.of(args[3] + ".partial");
    Files.writeString(partial, Integer.toString(node.server.port()), StandardCharsets.US_ASCII);
    Files.move(partial, Path.of(args[3]));
    Thread.currentThread().join(); // until the test kills the process
  }
}
