package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.sse.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every limit of the front door over real sockets: its status, its one-line reason, its counter;
 * and that a request just under a limit still works (1,000 long topic selectors on one stream).
 */
class FrontDoorTest extends ServerTestBase {

  /** Sends {@code request} on a new connection and reads until the hub closes it. */
  String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return readToEnd(socket.getInputStream());
    }
  }

  static String readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) > 0; ) {
      all.write(buffer, 0, n);
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  /** The {@code n}th of 1,000 topics of exactly 200 characters, safe in a URL as is. */
  static String longTopic(int n) {
    String prefix = "https://example.com/books/" + n + "/";
    return prefix + "x".repeat(200 - prefix.length());
  }

  @Test
  void aThousandSelectorsOf200CharactersFitInOneSubscription() throws Exception {
    String[] topics = new String[1_000];
    for (int i = 0; i < topics.length; i++) {
      topics[i] = longTopic(i);
    }
    URI uri = subscribeUri(topics);
    assertThat(uri.getRawQuery().length()).isGreaterThan(200_000);
    try (SseClient sub = SseClient.open(http, uri, Map.of())) {
      String id = publishOk("topic=" + enc(topics[999]) + "&data=last");
      SseEvent event = sub.next();
      assertThat(event.id()).isEqualTo(id);
      assertThat(event.data()).isEqualTo("last");
    }
  }

  @Test
  void aRequestLineOverTheLimitGets414WithItsReason() throws Exception {
    String target = "/.well-known/mercure?topic=" + "x".repeat(256 * 1024);
    String answer = exchange("GET " + target + " HTTP/1.1\r\nhost: hub\r\n\r\n");
    assertThat(answer)
        .startsWith("HTTP/1.1 414 Request-URI Too Long\r\n")
        .contains("connection: close")
        .endsWith(
            "\r\n\r\nrequest line longer than 262144 bytes (expected: at most"
                + " --max-request-line; put fewer or shorter topics in one subscription)\n");
    assertThat(server.metrics().scrape())
        .contains("herald_rejected_total{reason=\"request_line\"} 1.0");
  }

  @Test
  void aHeaderBlockOverTheLimitGets431WithItsReason() throws Exception {
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 70; i++) {
      headers.append("x-filler-").append(i).append(": ").append("y".repeat(1_000)).append("\r\n");
    }
    String answer = exchange("GET /healthz HTTP/1.1\r\nhost: hub\r\n" + headers + "\r\n");
    assertThat(answer)
        .startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n")
        .endsWith(
            "\r\n\r\nheader block larger than 65536 bytes"
                + " (expected: at most --max-header-block)\n");
    assertThat(server.metrics().scrape())
        .contains("herald_rejected_total{reason=\"header_block\"} 1.0");
  }

  @Test
  void aRequestHeadNotCompleteInTimeGets408() throws Exception {
    restart(config().limits(Limits.DEFAULTS.withHeaderTimeout(Duration.ofMillis(300))).build());
    String answer = exchange("GET /.well-known/mercure?topic=a HTT");
    assertThat(answer)
        .startsWith("HTTP/1.1 408 Request Timeout\r\n")
        .endsWith(
            "request head not complete within 300 ms of the connection"
                + " (expected: within --header-timeout)\n");
    assertThat(server.metrics().scrape()).contains("herald_timeouts_total{phase=\"header\"} 1.0");
  }

  @Test
  void aPublishBodyNotCompleteInTimeGets408() throws Exception {
    restart(config().limits(Limits.DEFAULTS.withBodyTimeout(Duration.ofMillis(300))).build());
    String answer =
        exchange(
            "POST /.well-known/mercure HTTP/1.1\r\nhost: hub\r\n"
                + "authorization: Bearer "
                + PUBLISHER
                + "\r\n"
                + "content-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\r\ntopic=");
    assertThat(answer)
        .startsWith("HTTP/1.1 408 Request Timeout\r\n")
        .endsWith(
            "request body not complete within 300 ms of its head"
                + " (expected: within --body-timeout)\n");
  }

  @Test
  void overMaxConnectionsANewConnectionGets503WithRetryAfterAndIsClosed() throws Exception {
    restart(config().limits(Limits.DEFAULTS.withMaxConnections(2)).build());
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        held.add(new Socket("127.0.0.1", server.port()));
      }
      awaitOpen(2);
      String answer = exchange("GET /healthz HTTP/1.1\r\nhost: hub\r\n\r\n");
      assertThat(answer)
          .startsWith("HTTP/1.1 503 Service Unavailable\r\n")
          .contains("retry-after: 5\r\n", "connection: close\r\n")
          .endsWith(
              "\r\n\r\nconnection limit reached: 2 open (expected: at most"
                  + " --max-connections); retry later\n");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    // Once a connection closes, there is room again.
    org.awaitility.Awaitility.await()
        .untilAsserted(
            () ->
                assertThat(
                        exchange("GET /healthz HTTP/1.1\r\nhost: hub\r\nconnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 OK"));
    assertThat(server.metrics().scrape())
        .contains("herald_rejected_total{reason=\"max_connections\"} 1.0");
  }

  @Test
  void overTheLimitPerAddressANewConnectionGets429() throws Exception {
    restart(config().limits(Limits.DEFAULTS.withMaxConnectionsPerAddress(1)).build());
    try (Socket held = new Socket("127.0.0.1", server.port())) {
      awaitOpen(1);
      String answer = exchange("GET /healthz HTTP/1.1\r\nhost: hub\r\n\r\n");
      assertThat(answer)
          .startsWith("HTTP/1.1 429 Too Many Requests\r\n")
          .contains("retry-after: 5\r\n")
          .endsWith(
              "\r\n\r\ntoo many connections from 127.0.0.1: 1 open (expected: at most"
                  + " --max-connections-per-address); retry later\n");
    }
    assertThat(server.metrics().scrape())
        .contains("herald_rejected_total{reason=\"per_address\"} 1.0");
  }

  @Test
  void theConnectionLimitIsDerivedFromTheOpenFileLimit() {
    long limit = OpenFiles.limit();
    assertThat(limit).as("this test needs a JVM that reports its open-file limit").isPositive();
    assertThat((long) server.maxConnections()).isBetween(16L, limit - Limits.RESERVED_FILES);
    assertThat(Limits.DEFAULTS.resolveMaxConnections(1024, 100)).isEqualTo(1024 - 256 - 100);
    assertThat(Limits.DEFAULTS.resolveMaxConnections(300, 100)).isEqualTo(16);
    assertThat(Limits.DEFAULTS.withMaxConnections(7).resolveMaxConnections(1024, 100)).isEqualTo(7);
  }

  private void awaitOpen(int connections) {
    org.awaitility.Awaitility.await()
        .until(() -> server.metrics().snapshot().connections() == connections);
  }
}
