package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of half-open connections larger than the hub's open-file limit, against a hub in a
 * process started with {@code ulimit -n 384}. With a connection limit above what the files allow,
 * the hub runs to the edge of its descriptors: it drops new sockets and pauses accepting instead of
 * spinning on EMFILE, logs a few lines without a stack trace, and once the header timeout sheds the
 * flood (still held open by the test) it answers again. With the connection limit derived from the
 * open-file limit, the flood gets 503s. Loopback only; the flood is bounded in count.
 */
class AcceptFloodTest {

  private static final int OPEN_FILE_LIMIT = 384;
  private static final int FLOOD = 600;

  @TempDir Path dir;
  private Process hub;
  private final List<Socket> flood = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : flood) {
      socket.close();
    }
    if (hub != null) {
      hub.getOutputStream().close(); // asks it to stop
      if (!hub.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        hub.destroyForcibly();
      }
    }
  }

  /** Starts the hub under the small open-file limit; returns its port. */
  private int startHub(int maxConnections) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        "ulimit -n "
            + OPEN_FILE_LIMIT
            + " && exec '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + FloodTarget.class.getName()
            + " 1000 "
            + maxConnections;
    hub =
        new ProcessBuilder("sh", "-c", command)
            .redirectError(dir.resolve("hub.log").toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("the hub's first line; its log: " + log()).isNotNull();
    Matcher port = Pattern.compile("port (\\d+) max-connections (\\d+)").matcher(line);
    assertThat(port.find()).as(line).isTrue();
    return Integer.parseInt(port.group(1));
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("hub.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Opens the flood: each connection sends half a request line and then nothing. */
  private void flood(int port) {
    for (int i = 0; i < FLOOD; i++) {
      try {
        Socket socket = new Socket();
        flood.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        OutputStream out = socket.getOutputStream();
        out.write("GET /.well-known/mercure?topic=".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException refused) {
        // the backlog is full: that is part of a flood
      }
    }
  }

  /** The hub's metrics once it answers again, within a minute; else fails with its log. */
  private String metricsOnceAnswering(int port) {
    try {
      return await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> metrics(port), m -> true);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("the hub did not answer again; its log:\n" + log(), e);
    }
  }

  private String metrics(int port) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static double counter(String metrics, String name) {
    Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
    assertThat(value.find()).as(name + " in " + metrics).isTrue();
    return Double.parseDouble(value.group(1));
  }

  @Test
  void runningOutOfDescriptorsPausesAcceptingAndLogsAFewLinesWithoutStackTraces() throws Exception {
    int port = startHub(10_000); // more than the files it may open
    long start = System.nanoTime();
    flood(port);
    // The header timeout sheds the flood; then the hub answers a normal request again.
    String metrics = metricsOnceAnswering(port);
    double seconds = (System.nanoTime() - start) / 1e9;

    double backoffs = counter(metrics, "herald_accept_backoffs_total");
    double failures = counter(metrics, "herald_accept_failures_total");
    double dropped = counter(metrics, "herald_rejected_total{reason=\"file_descriptors\"}");
    assertThat(dropped + failures).as("the flood reached the open-file limit").isPositive();
    assertThat(backoffs).as("so accepting paused").isPositive();
    // A busy loop fails thousands of times a second; paused, accepting fails a few times per
    // pause, and pauses last at least 50 ms.
    assertThat(failures).isLessThanOrEqualTo(16 * backoffs);
    assertThat(backoffs).isLessThanOrEqualTo(seconds * 1000 / 50 + 1);
    assertThat(counter(metrics, "herald_timeouts_total{phase=\"header\"}")).isPositive();

    List<String> lines = log().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("no stack traces").noneMatch(l -> l.startsWith("\tat "));
    // One line per kind of trouble per 30 s, plus start-up notes from the native transports.
    assertThat(lines).as(String.join("\n", lines)).hasSizeLessThanOrEqualTo(8);
  }

  @Test
  void aConnectionLimitFromTheOpenFileLimitTurnsTheFloodAway() throws Exception {
    int port = startHub(0);
    flood(port);
    String metrics = metricsOnceAnswering(port);
    assertThat(counter(metrics, "herald_rejected_total{reason=\"max_connections\"}")).isPositive();
    assertThat(log().lines().filter(l -> l.startsWith("\tat "))).isEmpty();
  }
}
