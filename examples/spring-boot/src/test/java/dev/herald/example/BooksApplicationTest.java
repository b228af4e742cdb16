package dev.herald.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.spring.EmbeddedHerald;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The whole application on random ports: a browser-style subscriber (a plain GET reading
 * text/event-stream, as EventSource does) hears the rename the REST endpoint made. Runs on the
 * JUnit thread; the subscriber reads on a thread of its own.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "herald.embedded.listen=127.0.0.1:0")
class BooksApplicationTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @LocalServerPort int port;
  @Autowired EmbeddedHerald hub;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI app(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Test
  void aSubscriberHearsTheRenameTheEndpointMade() throws Exception {
    URI stream =
        URI.create(
            "http://127.0.0.1:"
                + hub.port()
                + "/.well-known/mercure?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1");
    HttpResponse<InputStream> subscription =
        http.send(
            HttpRequest.newBuilder(stream)
                .header("Accept", "text/event-stream")
                .header("Origin", "http://localhost:" + port)
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(subscription.statusCode()).isEqualTo(200);
    assertThat(subscription.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(subscription.headers().firstValue("access-control-allow-origin")).isPresent();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>(1_000);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(subscription.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.offer(line);
                }
              } catch (Exception e) {
                // the test closed the stream
              }
            },
            "browser-style-subscriber");
    reader.setDaemon(true);
    reader.start();
    try {
      HttpResponse<String> renamed =
          send(
              HttpRequest.newBuilder(app("/books/1/title"))
                  .PUT(HttpRequest.BodyPublishers.ofString("Children of \"Dune\"")));
      assertThat(renamed.statusCode()).isEqualTo(200);
      assertThat(next(lines, "event:")).isEqualTo("event: book");
      assertThat(next(lines, "data:"))
          .isEqualTo("data: {\"id\":1,\"title\":\"Children of \\\"Dune\\\"\"}");
      assertThat(send(HttpRequest.newBuilder(app("/books/1"))).body()).contains("Children of");
    } finally {
      subscription.body().close();
    }
  }

  @Test
  void thePageSubscribesToTheHubTheApplicationNames() throws Exception {
    assertThat(send(HttpRequest.newBuilder(app("/"))).body())
        .contains("new EventSource(hub)")
        .contains("fetch('/hub')");
    assertThat(send(HttpRequest.newBuilder(app("/hub"))).body())
        .contains("\"url\":\"http://localhost:" + hub.port() + "/.well-known/mercure\"");
  }

  @Test
  void aBadTitleIsRefusedWithAReason() throws Exception {
    HttpResponse<String> refused =
        send(
            HttpRequest.newBuilder(app("/books/1/title"))
                .PUT(HttpRequest.BodyPublishers.ofString(" ")));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("title: 1 to 200 characters");
  }

  @Test
  void readinessIncludesTheEmbeddedHub() throws Exception {
    // The embedded hub warms up for its first seconds (herald.embedded.warm-up, 3s by default),
    // answering 503 meanwhile: a load balancer, like this loop, waits for it.
    HttpResponse<String> readiness =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> send(HttpRequest.newBuilder(app("/actuator/health/readiness"))),
                answer -> answer.statusCode() != 503);
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(readiness.body()).contains("\"status\":\"UP\"");
  }

  @Test
  void theHubsMetersAreInTheApplicationsPrometheusEndpoint() throws Exception {
    send(
        HttpRequest.newBuilder(app("/books/1/title"))
            .PUT(HttpRequest.BodyPublishers.ofString("Dune")));
    String scrape = send(HttpRequest.newBuilder(app("/actuator/prometheus"))).body();
    assertThat(scrape)
        .contains("mercure_updates_total")
        .contains("mercure_subscribers_connected")
        .contains("herald_delivery_latency_seconds_count");
  }

  private static String next(BlockingQueue<String> lines, String prefix)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no line starting with '" + prefix + "' within " + WAIT);
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }
}
