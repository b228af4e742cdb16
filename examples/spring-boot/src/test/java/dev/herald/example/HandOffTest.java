package dev.herald.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.HeraldSubscriber;
import dev.herald.client.LinkHeader;
import dev.herald.client.ServerSentEvent;
import dev.herald.client.SubscriptionListener;
import dev.herald.spring.EmbeddedHerald;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The book endpoint hands out the hub's position with the book; a subscriber from it hears the
 * rename made after the book was read, before it subscribed. Runs on the JUnit thread; the
 * subscriber calls back on its own.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "herald.embedded.listen=127.0.0.1:0")
class HandOffTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @LocalServerPort int port;
  @Autowired EmbeddedHerald hub;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSubscriberFromTheBooksLinkHearsTheRenameMadeMeanwhile() throws Exception {
    URI book = URI.create("http://127.0.0.1:" + port + "/books/1");
    HttpResponse<String> loaded = send(HttpRequest.newBuilder(book));
    String link = loaded.headers().firstValue("link").orElseThrow();
    assertThat(link)
        .startsWith("<http://localhost:" + hub.port() + "/.well-known/mercure>; rel=\"mercure\"");
    String position = LinkHeader.mercureLastEventId(loaded.headers().allValues("link"));
    assertThat(position).isEqualTo(hub.hub().lastEventId());

    // Renamed after the page read the book, before it subscribed.
    assertThat(
            send(HttpRequest.newBuilder(URI.create(book + "/title"))
                    .PUT(HttpRequest.BodyPublishers.ofString("Dune Messiah")))
                .statusCode())
        .isEqualTo(200);

    BlockingQueue<ServerSentEvent> events = new LinkedBlockingQueue<>();
    try (HeraldSubscriber subscriber =
        HeraldSubscriber.builder(
                URI.create("http://127.0.0.1:" + hub.port() + "/.well-known/mercure"))
            .topics("https://example.com/books/1")
            .lastEventId(position)
            .start(
                new SubscriptionListener() {
                  @Override
                  public void onEvent(ServerSentEvent event) {
                    events.add(event);
                  }
                })) {
      ServerSentEvent renamed = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(renamed).isNotNull();
      assertThat(renamed.data()).contains("Dune Messiah");
    }
  }
}
