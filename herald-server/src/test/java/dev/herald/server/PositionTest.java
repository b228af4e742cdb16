package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.sse.SseEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /.well-known/mercure/last-event-id}: the hub's position for a publisher, as the discovery
 * {@code Link} a page subscribes from, and the hand-off it enables: state read after the position,
 * then a subscription from it, misses nothing. Runs on the JUnit thread over real sockets.
 */
class PositionTest extends ServerTestBase {

  private static final String PATH = "/.well-known/mercure/last-event-id";
  private static final String BOOK = "https://example.com/books/1";

  private HttpResponse<String> position(String method, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + PATH))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> position() throws Exception {
    return position("GET", Map.of("Authorization", "Bearer " + PUBLISHER));
  }

  @Test
  void anEmptyHubIsAtEarliest() throws Exception {
    HttpResponse<String> answer = position();
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("earliest\n");
    assertThat(answer.headers().firstValue("link"))
        .hasValue("</.well-known/mercure>; rel=\"mercure\"; last-event-id=\"earliest\"");
    assertThat(answer.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void thePositionIsTheLastPublishedId() throws Exception {
    publishOk("topic=" + enc(BOOK) + "&data=a");
    String second = publishOk("topic=" + enc(BOOK) + "&data=b");
    HttpResponse<String> answer = position();
    assertThat(answer.body()).isEqualTo(second + "\n");
    assertThat(answer.headers().firstValue("link"))
        .hasValue("</.well-known/mercure>; rel=\"mercure\"; last-event-id=\"" + second + "\"");
  }

  @Test
  void headAnswersTheSameLinkWithoutABody() throws Exception {
    String id = publishOk("topic=" + enc(BOOK) + "&data=a&id=" + enc("urn:book:\"1\""));
    HttpResponse<String> answer = position("HEAD", Map.of("Authorization", "Bearer " + PUBLISHER));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEmpty();
    assertThat(id).isEqualTo("urn:book:\"1\"");
    assertThat(answer.headers().firstValue("link"))
        .hasValue("</.well-known/mercure>; rel=\"mercure\"; last-event-id=\"urn:book:\\\"1\\\"\"");
  }

  @Test
  void anIdBeyondAsciiTravelsPercentEncoded() throws Exception {
    publishOk("topic=" + enc(BOOK) + "&data=a&id=" + enc("urn:livre:été 1"));
    assertThat(position().headers().firstValue("link"))
        .hasValue(
            "</.well-known/mercure>; rel=\"mercure\"; last-event-id*=UTF-8''urn%3Alivre%3A%C3%A9t%C3%A9%201");
  }

  @Test
  void withoutATokenItIsRefusedWithAReason() throws Exception {
    HttpResponse<String> answer = position("GET", Map.of());
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.body()).startsWith("publisher token missing").endsWith("\n");
    assertThat(answer.body().strip()).doesNotContain("\n");
    assertThat(answer.headers().firstValue("www-authenticate")).isPresent();
  }

  @Test
  void aTokenThatCannotPublishIsForbidden() throws Exception {
    String subscriberOnly = token(null, List.of("*"), Duration.ofMinutes(5));
    HttpResponse<String> answer =
        position("GET", Map.of("Authorization", "Bearer " + subscriberOnly));
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.body()).contains("the hub's position is for publishers");
  }

  @Test
  void aBadTokenIsUnauthorized() throws Exception {
    HttpResponse<String> answer = position("GET", Map.of("Authorization", "Bearer not.a.jwt"));
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.body()).isNotBlank();
  }

  @Test
  void anAllowedOriginMayReadTheLinkAcrossOrigins() throws Exception {
    HttpResponse<String> answer =
        position(
            "GET",
            Map.of("Authorization", "Bearer " + PUBLISHER, "Origin", "http://localhost:5173"));
    assertThat(answer.headers().firstValue("access-control-allow-origin"))
        .hasValue("http://localhost:5173");
    assertThat(String.join(",", answer.headers().allValues("access-control-expose-headers")))
        .contains("link");
    HttpResponse<String> preflight =
        position(
            "OPTIONS",
            Map.of(
                "Origin", "http://localhost:5173",
                "Access-Control-Request-Method", "HEAD",
                "Access-Control-Request-Headers", "authorization"));
    assertThat(String.join(",", preflight.headers().allValues("access-control-allow-methods")))
        .contains("HEAD")
        .contains("GET");
  }

  @Test
  void aSubscriptionFromThePositionGetsEverythingPublishedAfterIt() throws Exception {
    publishOk("topic=" + enc(BOOK) + "&data=before");
    String at = position().body().strip();
    // Published after the position was read, before the subscriber connects: the window a page
    // loading its state would otherwise lose.
    String inBetween = publishOk("topic=" + enc(BOOK) + "&data=in-between");
    try (SseClient sub =
        SseClient.open(
            http, URI.create(subscribeUri(BOOK) + "&lastEventID=" + enc(at)), Map.of())) {
      String live = publishOk("topic=" + enc(BOOK) + "&data=live");
      SseEvent first = sub.next();
      assertThat(first.id()).isEqualTo(inBetween);
      assertThat(first.data()).isEqualTo("in-between");
      assertThat(sub.next().id()).isEqualTo(live);
    }
  }
}
