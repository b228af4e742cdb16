package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every bad input gets its status code and a one-line reason. */
class HubErrorsTest extends ServerTestBase {

  static void assertError(HttpResponse<String> response, int status, String reasonPart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.body()).contains(reasonPart).endsWith("\n");
    assertThat(response.body().strip()).doesNotContain("\n");
  }

  @Test
  void publishWithoutTokenIs401WithAChallenge() throws Exception {
    HttpResponse<String> response = publish("topic=t", Map.of());
    assertError(response, 401, "publisher token missing");
    assertThat(response.headers().firstValue("www-authenticate").orElse("")).startsWith("Bearer");
  }

  @Test
  void publishWithWrongKeyIs401SayingSo() throws Exception {
    String forged =
        TokenMinter.mint(
            JwtKey.parse("HS256", "another-secret-that-is-long-enough-for-hs256"),
            List.of("*"),
            null,
            null,
            null,
            Clock.systemUTC());
    HttpResponse<String> response = publish("topic=t", Map.of("Authorization", "Bearer " + forged));
    assertError(response, 401, "signature");
    assertThat(response.headers().firstValue("www-authenticate").orElse(""))
        .contains("invalid_token");
  }

  @Test
  void expiredTokenIs401SayingExpired() throws Exception {
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
    String expired = TokenMinter.mint(KEY, List.of("*"), null, null, Duration.ofMinutes(1), past);
    assertError(publish("topic=t", Map.of("Authorization", "Bearer " + expired)), 401, "expired");
  }

  @Test
  void malformedAuthorizationHeaderIs401() throws Exception {
    assertError(
        publish("topic=t", Map.of("Authorization", "Basic abc")), 401, "not a bearer token");
  }

  @Test
  void publishingOutsideTheClaimIs403() throws Exception {
    String narrow = token(List.of("https://example.com/books/{id}"), null, null);
    HttpResponse<String> response =
        publish(
            "topic=" + enc("https://example.com/books/1") + "&topic=other",
            Map.of("Authorization", "Bearer " + narrow));
    assertError(response, 403, "other");
  }

  @Test
  void tokenWithoutPublishClaimIs403() throws Exception {
    String subscriberOnly = token(null, List.of("*"), null);
    assertError(
        publish("topic=t", Map.of("Authorization", "Bearer " + subscriberOnly)),
        403,
        "mercure.publish");
  }

  @Test
  void invalidUpdatesAre400() throws Exception {
    assertError(publish("data=no-topic"), 400, "topic: missing");
    assertError(publish("topic=t&id=" + enc("a\nb")), 400, "id: contains CR, LF or NUL");
    assertError(publish("topic=t&type=" + enc("a\rb")), 400, "type: contains CR, LF or NUL");
    assertError(publish("topic=t&id=" + enc("#1")), 400, "id: #1");
    assertError(publish("topic=t&retry=soon"), 400, "retry: soon");
    assertError(publish("topic=t&data=%zz"), 400, "malformed request");
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    restart(config().maxBody(1024).build());
    assertError(publish("topic=t&data=" + "x".repeat(2048)), 413, "body larger than 1024 bytes");
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + PUBLISHER)
            .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"t\"}"))
            .build();
    assertError(
        http.send(request, HttpResponse.BodyHandlers.ofString()),
        415,
        "application/x-www-form-urlencoded");
  }

  @Test
  void subscribeWithoutTopicIs400() throws Exception {
    assertError(get("/.well-known/mercure", Map.of()), 400, "topic: missing");
  }

  @Test
  void subscribeWithoutTokenIs401WhenAnonymousIsOff() throws Exception {
    restart(config().anonymous(false).build());
    assertError(get("/.well-known/mercure?topic=t", Map.of()), 401, "subscriber token missing");
  }

  @Test
  void subscribeWithInvalidTokenIs401EvenWhenAnonymousIsOn() throws Exception {
    assertError(
        get("/.well-known/mercure?topic=t", Map.of("Authorization", "Bearer not.a.jwt")),
        401,
        "malformed");
  }

  @Test
  void cookiePublishNeedsAnAllowedOrigin() throws Exception {
    Map<String, String> cookie = Map.of("Cookie", "mercureAuthorization=" + PUBLISHER);
    assertError(publish("topic=t", cookie), 403, "without Origin or Referer");
    assertError(
        publish(
            "topic=t",
            Map.of(
                "Cookie", "mercureAuthorization=" + PUBLISHER, "Origin", "https://evil.example")),
        403,
        "https://evil.example");
    HttpResponse<String> allowed =
        publish(
            "topic=t",
            Map.of(
                "Cookie", "mercureAuthorization=" + PUBLISHER, "Origin", "http://localhost:5173"));
    assertThat(allowed.statusCode()).isEqualTo(200);
  }

  @Test
  void corsPreflightAllowsTheConfiguredOrigin() throws Exception {
    HttpRequest preflight =
        HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", "http://localhost:5173")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization, last-event-id")
            .build();
    HttpResponse<String> response = http.send(preflight, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("access-control-allow-origin"))
        .hasValue("http://localhost:5173");
    assertThat(response.headers().firstValue("access-control-allow-credentials")).hasValue("true");
    assertThat(
            response.headers().firstValue("access-control-allow-headers").orElse("").toLowerCase())
        .contains("authorization")
        .contains("last-event-id");
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() throws Exception {
    assertError(get("/nope", Map.of()), 404, "/nope");
    HttpRequest delete =
        HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure")).DELETE().build();
    HttpResponse<String> response = http.send(delete, HttpResponse.BodyHandlers.ofString());
    assertError(response, 405, "DELETE");
    assertThat(response.headers().firstValue("allow")).hasValue("GET, POST, OPTIONS");
  }
}
