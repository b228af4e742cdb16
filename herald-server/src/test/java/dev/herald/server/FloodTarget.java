package dev.herald.server;

import dev.herald.core.HubConfig;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A hub in a process of its own, so a test can start it under a small open-file limit: {@code
 * FloodTarget HEADER_TIMEOUT_MS MAX_CONNECTIONS [TRANSPORT]} (0: derived) prints {@code port N}
 * once it listens, and stops when its standard input closes.
 */
final class FloodTarget {

  private FloodTarget() {}

  public static void main(String[] args) throws Exception {
    loadHeraldClasses();
    Limits limits =
        Limits.DEFAULTS
            .withHeaderTimeout(Duration.ofMillis(Long.parseLong(args[0])))
            .withMaxConnections(Integer.parseInt(args[1]));
    HeraldServer server =
        HeraldServer.start(
            ServerConfig.builder()
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

  /**
   * A test's classpath holds Herald's modules as directories, so the first use of each class opens
   * a file: under a flood at the open-file limit that fails and the class stays unusable
   * (NoClassDefFoundError). From herald.jar classes come from one jar already open; load them all
   * now to match.
   */
  private static void loadHeraldClasses() throws Exception {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path root = Path.of(entry);
      if (!Files.isDirectory(root) || !root.endsWith(Path.of("target", "classes"))) {
        continue; // jars stay open once read; test classes are not on the hub's path
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file :
            (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
          String name =
              root.relativize(file)
                  .toString()
                  .replace(File.separatorChar, '.')
                  .replaceAll("\\.class$", "");
          Class.forName(name, false, FloodTarget.class.getClassLoader());
        }
      }
    }
  }
}
