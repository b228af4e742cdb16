package dev.herald.server;

import dev.herald.core.HubConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A hub in a process of its own, so a test can start it under a small open-file limit: {@code
 * FloodTarget HEADER_TIMEOUT_MS MAX_CONNECTIONS [TRANSPORT]} (0: derived) prints {@code port N} once it
 * listens, and stops when its standard input closes.
 */
final class FloodTarget {

  private FloodTarget() {}

  public static void main(String[] args) throws Exception {
    Limits limits = Limits.DEFAULTS
        .withHeaderTimeout(Duration.ofMillis(Long.parseLong(args[0])))
        .withMaxConnections(Integer.parseInt(args[1]));
    HeraldServer server = HeraldServer.start(ServerConfig.builder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
        .hub(HubConfig.DEFAULTS.withHistorySize(10))
        .demo(false)
        .limits(limits)
        .transport(args.length > 2 ? args[2] : "auto")
        .build());
    System.out.println("port " + server.port() + " max-connections " + server.maxConnections());
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the test closes our input
    }
    server.close();
  }
}
