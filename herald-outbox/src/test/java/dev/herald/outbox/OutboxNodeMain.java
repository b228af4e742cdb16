package dev.herald.outbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A hub with an outbox consumer in a child JVM, for the {@code kill -9} tests: {@code
 * OutboxNodeMain durable DATA_DIR PG_URI TABLE PORT_FILE} or {@code OutboxNodeMain redis REDIS_URI
 * PREFIX PG_URI TABLE PORT_FILE}. Writes its port to PORT_FILE and runs until killed. Runs on its
 * main thread, which then only waits.
 */
public final class OutboxNodeMain {

  private OutboxNodeMain() {}

  public static void main(String[] args) throws Exception {
    boolean durable = args[0].equals("durable");
    int at = durable ? 2 : 3;
    OutboxConfig outbox =
        OutboxConfig.parse(args[at], args[at + 1]).withPollInterval(Duration.ofMillis(200));
    OutboxHub hub =
        durable
            ? OutboxHub.durable(Path.of(args[1]), outbox)
            : OutboxHub.redis(args[1], args[2], outbox);
    Path portFile = Path.of(args[at + 2]);
    // Written whole, then renamed: the parent never reads half a port number.
    Path partial = Path.of(portFile + ".partial");
    Files.writeString(partial, Integer.toString(hub.server.port()), StandardCharsets.US_ASCII);
    Files.move(partial, portFile);
    Thread.currentThread().join(); // until the test kills the process
  }
}
