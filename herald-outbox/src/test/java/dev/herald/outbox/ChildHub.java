package dev.herald.outbox;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An {@link OutboxNodeMain} in a child JVM on this test's classpath, killed with SIGKILL ({@link
 * Process#destroyForcibly()}): no shutdown hook, no graceful end. Used from the test's thread.
 */
final class ChildHub implements AutoCloseable {

  private final Process process;
  private final Path output;
  final int port;

  private ChildHub(Process process, Path output, int port) {
    this.process = process;
    this.output = output;
    this.port = port;
  }

  /**
   * Starts the child with {@code args} (without the port file, which comes last) in {@code dir}.
   */
  static ChildHub start(Path dir, String name, String... args) throws Exception {
    Path portFile = dir.resolve(name + ".port");
    Files.deleteIfExists(portFile);
    Path output = dir.resolve(name + ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OutboxNodeMain.class.getName()));
    command.addAll(List.of(args));
    command.add(portFile.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(portFile) || !process.isAlive());
    if (!process.isAlive()) {
      throw new IllegalStateException("child hub exited: " + Files.readString(output));
    }
    int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII).strip());
    return new ChildHub(process, output, port);
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  /** SIGKILL, then waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("child hub survived SIGKILL");
    }
  }

  String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
