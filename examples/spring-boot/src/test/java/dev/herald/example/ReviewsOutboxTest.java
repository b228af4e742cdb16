package dev.herald.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.outbox.PostgresCluster;
import dev.herald.spring.EmbeddedHerald;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application with a PostgreSQL database (a throwaway cluster): a review posted to the REST
 * endpoint is committed with its outbox row, and the embedded hub, consuming the outbox, delivers
 * it to a browser-style subscriber. Runs on the JUnit thread; the subscriber reads on its own.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"herald.embedded.listen=127.0.0.1:0", "herald.embedded.warm-up=0"})
class ReviewsOutboxTest {

  @RegisterExtension static final PostgresCluster postgres = new PostgresCluster();

  private static final Duration WAIT = Duration.ofSeconds(20);

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry properties) {
    properties.add("books.database-url", postgres::jdbcUrl);
    properties.add("herald.embedded.outbox", postgres::uri);
  }

  @LocalServerPort int port;
  @Autowired EmbeddedHerald hub;

  @Test
  void aCommittedReviewReachesTheSubscriberThroughTheOutbox() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<InputStream> subscription =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + hub.port()
                            + "/.well-known/mercure?topic="
                            + "https%3A%2F%2Fexample.com%2Fbooks%2F1%2Freviews"))
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(subscription.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (Exception e) {
                // the test closed the stream
              }
            },
            "browser-style-subscriber");
    reader.setDaemon(true);
    reader.start();
    try {
      HttpResponse<String> posted =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/books/1/reviews"))
                  .POST(HttpRequest.BodyPublishers.ofString("A classic."))
                  .timeout(WAIT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  lines.stream().anyMatch(l -> l.endsWith(",\"book\":1,\"text\":\"A classic.\"}")));
      assertThat(lines).contains("event: review");
      try (Connection connection = postgres.connect();
          Statement statement = connection.createStatement();
          ResultSet reviews = statement.executeQuery("SELECT text FROM reviews")) {
        assertThat(reviews.next()).isTrue();
        assertThat(reviews.getString(1)).isEqualTo("A classic.");
      }
    } finally {
      subscription.body().close();
    }
  }
}
