package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.auth.SigningKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.core.auth.TokenMinter.TopicGrant;
import dev.herald.core.sse.SseEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mercure draft-08 over real sockets, beside draft-07 in the same hub process: one spec case per
 * test, configured as upstream's draft-08 conformance suite expects (resource identifier {@code
 * https://localhost/.well-known/mercure}, issuer {@code https://localhost}, HS256).
 */
class Draft08ServerTest extends ServerTestBase {

  static final String RESOURCE = "https://localhost/.well-known/mercure";
  static final String ISSUER = "https://localhost";
  static final String METADATA =
      "https://localhost/.well-known/oauth-protected-resource/.well-known/mercure";
  static final String BOOK = "https://example.com/books/1";

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .protocols(
            ProtocolConfig.DEFAULTS
                .withResourceId(RESOURCE)
                .withIssuers(List.of(ISSUER + "=" + SECRET)));
  }

  static String accessToken(List<String> publish, List<String> subscribe, String audience) {
    return TokenMinter.mintAccessToken(
        SigningKey.of(KEY),
        new TokenMinter.AccessTokenRequest(
            ISSUER,
            audience,
            "test",
            grants(publish),
            grants(subscribe),
            null,
            Duration.ofHours(1)),
        Clock.systemUTC());
  }

  private static List<TopicGrant> grants(List<String> matches) {
    return matches.stream()
        .map(m -> new TopicGrant(m, m.contains(":id") ? "urlpattern" : null))
        .toList();
  }

  static final String ACCESS_PUBLISHER = accessToken(List.of("*"), List.of(), RESOURCE);

  URI matchUri(String query) {
    return URI.create(base + "/.well-known/mercure?" + query);
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> subscribeStatus(URI uri, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aDraft07AndADraft08ClientOnTheSameTopicBothReceiveOnePublish() throws Exception {
    try (SseClient draft07 = SseClient.open(http, subscribeUri(BOOK), Map.of());
        SseClient draft08 = SseClient.open(http, matchUri("match=" + enc(BOOK)), Map.of())) {
      String byDraft07 = publishOk("topic=" + enc(BOOK) + "&data=from-07");
      HttpResponse<String> published =
          publish("topic=" + enc(BOOK) + "&data=from-08", bearer(ACCESS_PUBLISHER));
      assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
      assertThat(published.headers().firstValue("content-type"))
          .hasValue("text/plain; charset=utf-8");

      for (SseClient client : List.of(draft07, draft08)) {
        SseEvent first = client.next();
        assertThat(first.id()).isEqualTo(byDraft07);
        assertThat(first.data()).isEqualTo("from-07");
        SseEvent second = client.next();
        assertThat(second.id()).isEqualTo(published.body());
        assertThat(second.data()).isEqualTo("from-08");
      }
    }
  }

  @Test
  void exactMatchingIsByteForByteAndUrlPatternsMatchTheirTopics() throws Exception {
    try (SseClient exact =
            SseClient.open(
                http, matchUri("match=" + enc("https://example.com/books/{id}")), Map.of());
        SseClient pattern =
            SseClient.open(
                http,
                matchUri("match_urlpattern=" + enc("https://example.com/books/:id")),
                Map.of())) {
      publishOk("topic=" + enc("https://example.com/films/1") + "&data=film");
      publishOk("topic=" + enc(BOOK) + "&data=book");
      publishOk("topic=" + enc("https://example.com/books/{id}") + "&data=literal");
      assertThat(pattern.next().data()).isEqualTo("book");
      assertThat(exact.next().data()).as("no template reading").isEqualTo("literal");
    }
  }

  @Test
  void privateUpdatesNeedASubscribeGrantCoveringOneOfTheirTopics() throws Exception {
    String reader = accessToken(List.of(), List.of(BOOK), RESOURCE);
    try (SseClient anonymous = SseClient.open(http, matchUri("match=" + enc(BOOK)), Map.of());
        SseClient granted = SseClient.open(http, matchUri("match=" + enc(BOOK)), bearer(reader));
        SseClient cookie =
            SseClient.open(
                http,
                matchUri("match=" + enc(BOOK)),
                Map.of("Cookie", ProtocolConfig.ACCESS_COOKIE + "=" + reader))) {
      publishOk("topic=" + enc(BOOK) + "&data=secret&private=on");
      publishOk("topic=" + enc(BOOK) + "&data=public");
      assertThat(granted.next().data()).isEqualTo("secret");
      assertThat(cookie.next().data()).isEqualTo("secret");
      assertThat(anonymous.next().data()).as("the private update is skipped").isEqualTo("public");
    }
  }

  @Test
  void aQueryParameterTokenIsNotAcceptedInDraft08() throws Exception {
    String reader = accessToken(List.of(), List.of("*"), RESOURCE);
    try (SseClient viaQuery =
        SseClient.open(
            http, matchUri("match=" + enc(BOOK) + "&authorization=" + reader), Map.of())) {
      publishOk("topic=" + enc(BOOK) + "&data=secret&private=on");
      publishOk("topic=" + enc(BOOK) + "&data=public");
      assertThat(viaQuery.next().data()).as("read as anonymous").isEqualTo("public");
    }
  }

  @Test
  void aDraft08RequestWithoutTokenGetsABareBearerChallengeWithResourceMetadata() throws Exception {
    restart(config().anonymous(false).build());
    HttpResponse<String> response = subscribeStatus(matchUri("match=" + enc(BOOK)), Map.of());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("www-authenticate"))
        .hasValue("Bearer resource_metadata=\"" + METADATA + "\"");
  }

  @Test
  void aPublishNamingNeitherVersionIsAnsweredAsBeforeUnlessTheHubSpeaksOnlyDraft08()
      throws Exception {
    HttpResponse<String> both = publish("topic=" + enc(BOOK) + "&data=x", Map.of());
    assertThat(both.statusCode()).isEqualTo(401);
    assertThat(both.headers().firstValue("www-authenticate").orElse(""))
        .startsWith("Bearer realm=\"mercure\", error=\"invalid_request\"");

    restart(
        config()
            .protocols(config().build().protocols().withVersions(ProtocolConfig.Versions.DRAFT_08))
            .build());
    HttpResponse<String> only08 = publish("topic=" + enc(BOOK) + "&data=x", Map.of());
    assertThat(only08.statusCode()).isEqualTo(401);
    assertThat(only08.headers().firstValue("www-authenticate"))
        .hasValue("Bearer resource_metadata=\"" + METADATA + "\"");
  }

  @Test
  void anAccessTokenForAnotherAudienceIsAnInvalidToken() throws Exception {
    String elsewhere =
        accessToken(List.of("*"), List.of(), "https://other.example/.well-known/mercure");
    HttpResponse<String> response = publish("topic=" + enc(BOOK) + "&data=x", bearer(elsewhere));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("www-authenticate").orElse(""))
        .startsWith("Bearer error=\"invalid_token\"")
        .contains("resource_metadata=\"" + METADATA + "\"");
    assertThat(response.body()).contains("aud:");
  }

  @Test
  void publishingOutsideTheGrantsIsInsufficientScope() throws Exception {
    String narrow = accessToken(List.of(BOOK), List.of(), RESOURCE);
    HttpResponse<String> response =
        publish(
            "topic=" + enc(BOOK) + "&topic=" + enc("https://example.com/books/2") + "&data=x",
            bearer(narrow));
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("www-authenticate").orElse(""))
        .startsWith("Bearer error=\"insufficient_scope\"");
    assertThat(publish("topic=" + enc(BOOK) + "&data=x", bearer(narrow)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aMalformedAuthorizationHeaderIsAnInvalidRequest() throws Exception {
    HttpResponse<String> response =
        subscribeStatus(matchUri("match=" + enc(BOOK)), Map.of("Authorization", "Basic Zm9v"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("www-authenticate").orElse(""))
        .startsWith("Bearer error=\"invalid_request\"");
  }

  @Test
  void aDraft07TokenOnADraft08RequestIsAnInvalidToken() throws Exception {
    HttpResponse<String> response =
        subscribeStatus(matchUri("match=" + enc(BOOK)), bearer(token(null, List.of("*"), null)));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("typ: JWT (expected: at+jwt");
  }

  @Test
  void anUnknownMatcherTypeAndMixedFamiliesAreBadRequests() throws Exception {
    HttpResponse<String> unknown = subscribeStatus(matchUri("match_regex=a"), Map.of());
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("match_regex");
    HttpResponse<String> mixed = subscribeStatus(matchUri("match=a&topic=b"), Map.of());
    assertThat(mixed.statusCode()).isEqualTo(400);
    assertThat(mixed.body())
        .contains(
            "query mixes draft-07 parameters (topic, lastEventID) with draft-08 ones (match,"
                + " match_<type>, last_event_id) (expected: one protocol's)");
    HttpResponse<String> badPattern =
        subscribeStatus(matchUri("match_urlpattern=" + enc("https://example.com/(")), Map.of());
    assertThat(badPattern.statusCode()).isEqualTo(400);
  }

  @Test
  void lastEventIdReplaysAndTheResponseSaysMercureLastEventId() throws Exception {
    String first = publishOk("topic=t&data=1");
    publishOk("topic=t&data=2");
    try (SseClient query =
            SseClient.open(http, matchUri("match=t&last_event_id=" + enc(first)), Map.of());
        SseClient unknown =
            SseClient.open(http, matchUri("match=t&last_event_id=urn:nope"), Map.of())) {
      assertThat(query.response.headers().firstValue("mercure-last-event-id")).hasValue(first);
      assertThat(query.response.headers().firstValue("last-event-id")).isEmpty();
      assertThat(query.next().data()).isEqualTo("2");
      assertThat(unknown.response.headers().firstValue("mercure-last-event-id"))
          .hasValue("earliest");
    }
  }

  @Test
  void theProtectedResourceMetadataDocumentDescribesTheHub() throws Exception {
    HttpResponse<String> response =
        get("/.well-known/oauth-protected-resource/.well-known/mercure", Map.of());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type").orElse(""))
        .startsWith("application/json");
    assertThat(response.body())
        .contains(
            "\"resource\":\"https://localhost/.well-known/mercure\"",
            "\"bearer_methods_supported\":[\"header\"]",
            "\"mercure_cookie\":\"__Secure-mercure_access_token\"",
            "\"mercure_matcher_types_supported\":[\"exact\",\"urlpattern\"]")
        .doesNotContain("authorization_servers", "mercure_subscriptions");
  }

  @Test
  void corsExposesMercureLastEventIdAndLink() throws Exception {
    try (SseClient stream =
        SseClient.open(
            http,
            matchUri("match=t&last_event_id=earliest"),
            Map.of("Origin", "http://localhost:5173"))) {
      assertThat(
              String.join(",", stream.response.headers().allValues("access-control-expose-headers"))
                  .toLowerCase())
          .contains("mercure-last-event-id", "link");
      assertThat(stream.response.headers().firstValue("mercure-last-event-id"))
          .hasValue("earliest");
    }
  }

  @Test
  void protocol07OnlyReadsMatchAsAnUnknownParameter() throws Exception {
    restart(
        config()
            .protocols(ProtocolConfig.DEFAULTS.withVersions(ProtocolConfig.Versions.DRAFT_07))
            .build());
    HttpResponse<String> response = subscribeStatus(matchUri("match=" + enc(BOOK)), Map.of());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).startsWith("topic: missing");
    assertThat(
            get("/.well-known/oauth-protected-resource/.well-known/mercure", Map.of()).statusCode())
        .isEqualTo(404);
  }
}
