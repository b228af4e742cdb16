package dev.herald.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} on a random loopback port, started for a test and stopped by its
 * process handle. Without redis-server the test is skipped with a message, or fails when {@code
 * -Dherald.redis.required=true} (scripts/test.sh). Used from the test's thread only.
 */
final class RedisServer implements AutoCloseable {

  private static final List<Path> CANDIDATES =
      List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));

  private final Path executable;
  private final Path dir;
  private final boolean persistent;
  private final int port;
  private final Path sentinelConfig; // null: a data server
  private Process process;

  private RedisServer(
      Path executable, Path dir, boolean persistent, int port, Path sentinelConfig) {
    this.executable = executable;
    this.dir = dir;
    this.persistent = persistent;
    this.port = port;
    this.sentinelConfig = sentinelConfig;
  }

  /**
   * Starts a server keeping its files in {@code dir}.
   *
   * @param persistent with an append-only file synced on every write, so a restart keeps the
   *     stream; otherwise nothing is saved and a restart empties it
   */
  static RedisServer start(Path dir, boolean persistent) throws IOException {
    RedisServer server = new RedisServer(executable(), dir, persistent, freePort(), null);
    server.startProcess();
    return server;
  }

  /**
   * Starts a Sentinel (redis-server in sentinel mode) that watches {@code master} under the name
   * {@code mymaster}; its configuration file lives in {@code dir}, which it rewrites.
   */
  static RedisServer startSentinel(Path dir, RedisServer master) throws IOException {
    int port = freePort();
    Path config = dir.resolve("sentinel-" + port + ".conf");
    Files.writeString(
        config,
        "sentinel monitor mymaster 127.0.0.1 "
            + master.port()
            + " 1\n"
            + "sentinel down-after-milliseconds mymaster 60000\n",
        StandardCharsets.US_ASCII);
    RedisServer sentinel = new RedisServer(executable(), dir, false, port, config);
    sentinel.startProcess();
    return sentinel;
  }

  /** Debian's redis-server, or the one {@code -Dherald.redis.server=PATH} names. */
  private static Path executable() {
    String chosen = System.getProperty("herald.redis.server");
    List<Path> candidates = chosen == null ? CANDIDATES : List.of(Path.of(chosen));
    Path executable = candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (executable == null) {
      String message =
          "redis-server is not installed (apt-get install -y redis-server);"
              + " scripts/test.sh installs it";
      if (Boolean.getBoolean("herald.redis.required")) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    return executable;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the process again on the same port and directory, after {@link #stop}. */
  void restart() throws IOException {
    startProcess();
  }

  private void startProcess() throws IOException {
    List<String> command = new ArrayList<>(List.of(executable.toString()));
    if (sentinelConfig != null) {
      command.addAll(List.of(sentinelConfig.toString(), "--sentinel"));
    }
    command.addAll(
        List.of(
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            dir.toString(),
            "--save",
            ""));
    if (sentinelConfig != null) {
      // a sentinel keeps no data
    } else if (persistent) {
      command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
    } else {
      command.addAll(List.of("--appendonly", "no"));
    }
    // A file, not a pipe: nobody reads the output, and a full pipe would stall the server.
    Path logFile = dir.resolve("redis-" + port + ".log");
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    await("redis-server on port " + port)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "redis-server exited: " + Files.readString(logFile));
              }
              return pingAnswers();
            });
  }

  private boolean pingAnswers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int read = in.readNBytes(reply, 0, 7);
      return read == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the server (SIGTERM; with persistence it flushes its file first) and waits for it. */
  void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /**
   * One non-persistent server for a test class, in a directory of its own, started before its first
   * test and stopped after its last: {@code @RegisterExtension static final RedisServer.PerClass
   * redis = new RedisServer.PerClass();}. Skips the class like {@link #start} without redis-server.
   */
  static final class PerClass implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private RedisServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
      dir = Files.createTempDirectory("herald-redis-");
      server = start(dir, false);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
      if (server != null) {
        server.stop();
      }
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        }
      }
    }

    String uri() {
      return server.uri();
    }
  }
}
