package dev.herald.redis;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.server.HeraldServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node in a child JVM, for the {@code kill -9} test: {@code NodeMain REDIS_URI PREFIX PORT_FILE}
 * starts a node over Redis, writes its port to PORT_FILE, and runs until killed. Runs on its main
 * thread, which then only waits.
 */
public final class NodeMain {

  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    RedisConfig redis = RedisConfig.DEFAULTS.withUri(args[0]).withKeyPrefix(args[1]);
    RedisLog log = RedisLog.connect(redis);
    Hub hub = new Hub(HubConfig.DEFAULTS, log);
    HeraldServer server =
        HeraldServer.builder(Node.serverConfig(0).hub(hub.config()).build()).hub(hub).start();
    Path portFile = Path.of(args[2]);
    // Written whole, then renamed: the parent never reads half a port number.
    Path partial = Path.of(args[2] + ".partial");
    Files.writeString(partial, Integer.toString(server.port()), StandardCharsets.US_ASCII);
    Files.move(partial, portFile);
    Thread.currentThread().join(); // until the test kills the process
  }
}
