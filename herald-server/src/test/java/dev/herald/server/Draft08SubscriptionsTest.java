package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.SigningKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.core.auth.TokenMinter.TopicGrant;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.sse.SseEvent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Active subscriptions with draft-07 and draft-08 subscribers on one hub, over real sockets: each
 * subscription is announced and listed in the shape of the protocol it subscribed with, and the
 * draft-08 API is authorized by the token's {@code subscribe} grants on the requested path.
 */
class Draft08SubscriptionsTest extends ServerTestBase {

  static final String RESOURCE = Draft08ServerTest.RESOURCE;
  static final String ISSUER = Draft08ServerTest.ISSUER;
  static final String COLLECTION = ActiveSubscription.COLLECTION_PATH;
  static final String PATTERN = "https://example.com/books/:id";
  static final String BOOK = "https://example.com/books/1";

  /** Relative, resolved against the hub URL; covers the collection and everything below it. */
  static final String NAMESPACE_PATTERN = COLLECTION + "*";

  static final String DRAFT07_OBSERVER =
      token(null, List.of(SubscriptionsTest.SUBSCRIPTIONS), null);
  static final String DRAFT08_OBSERVER =
      accessToken(List.of(new TopicGrant(NAMESPACE_PATTERN, "urlpattern")), null);

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .hub(HubConfig.DEFAULTS.withSubscriptionEvents(true))
        .protocols(
            ProtocolConfig.DEFAULTS
                .withResourceId(RESOURCE)
                .withIssuers(List.of(ISSUER + "=" + SECRET)));
  }

  static String accessToken(List<TopicGrant> subscribe, Object payload) {
    return TokenMinter.mintAccessToken(
        SigningKey.of(KEY),
        new TokenMinter.AccessTokenRequest(
            ISSUER, RESOURCE, "test", List.of(), subscribe, payload, Duration.ofHours(1)),
        Clock.systemUTC());
  }

  static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  URI matchUri(String query) {
    return URI.create(base + "/.well-known/mercure?" + query);
  }

  /**
   * The next subscription event about {@code match}, skipping those of the test's other streams.
   */
  static SseEvent nextAbout(SseClient observer, String key, String match) throws Exception {
    for (int i = 0; i < 10; i++) {
      SseEvent event = observer.next();
      if (match.equals(JSONObjectUtils.parse(event.data()).get(key))) {
        return event;
      }
    }
    throw new AssertionError("no subscription event about " + match + " in 10 events");
  }

  static String cursorOf(HttpResponse<String> response) {
    String link = response.headers().firstValue("link").orElseThrow();
    Matcher cursor = Pattern.compile("last-event-id=\"([^\"]*)\"").matcher(link);
    assertThat(cursor.find()).as(link).isTrue();
    return cursor.group(1);
  }

  @Test
  void eachSubscriptionIsAnnouncedInTheShapeOfItsProtocol() throws Exception {
    try (SseClient observer08 =
            SseClient.open(
                http,
                matchUri("match_urlpattern=" + enc(NAMESPACE_PATTERN)),
                bearer(DRAFT08_OBSERVER));
        SseClient observer07 =
            SseClient.open(
                http, subscribeUri(SubscriptionsTest.SUBSCRIPTIONS), bearer(DRAFT07_OBSERVER))) {
      SseClient draft08 =
          SseClient.open(http, matchUri("match_urlpattern=" + enc(PATTERN)), Map.of());
      SseEvent started = nextAbout(observer08, "match", PATTERN);
      assertThat(started.type()).as("reserved SSE type").isEqualTo("mercure");
      Map<String, Object> document = JSONObjectUtils.parse(started.data());
      String subscriber = (String) document.get("subscriber");
      assertThat(subscriber).startsWith("urn:uuid:");
      assertThat(document)
          .containsEntry("type", "subscription")
          .containsEntry("match_type", "urlpattern")
          .containsEntry("active", true)
          .containsEntry(
              "id",
              COLLECTION
                  + "/urlpattern/https%3A%2F%2Fexample.com%2Fbooks%2F%3Aid/"
                  + ActiveSubscription.encode(subscriber))
          .doesNotContainKey("@context")
          .doesNotContainKey("topic");

      SseClient draft07 = SseClient.open(http, subscribeUri(BOOK), Map.of());
      SseEvent started07 = nextAbout(observer07, "topic", BOOK);
      assertThat(started07.type()).as("draft-07 events have no type").isEqualTo("message");
      assertThat(JSONObjectUtils.parse(started07.data()))
          .containsEntry("type", "Subscription")
          .containsEntry("@context", "https://mercure.rocks/")
          .doesNotContainKey("match_type");

      draft08.close();
      SseEvent ended = nextAbout(observer08, "match", PATTERN);
      assertThat(ended.type()).isEqualTo("mercure");
      assertThat(JSONObjectUtils.parse(ended.data()))
          .containsEntry("active", false)
          .containsEntry("subscriber", subscriber);
      draft07.close();
      assertThat(JSONObjectUtils.parse(nextAbout(observer07, "topic", BOOK).data()))
          .containsEntry("active", false);
    }
  }

  @Test
  void theApiListsEachProtocolsSubscriptionsInItsShapeWithTheCursorInTheLinkHeader()
      throws Exception {
    try (SseClient observer08 =
            SseClient.open(
                http,
                matchUri("match_urlpattern=" + enc(NAMESPACE_PATTERN)),
                bearer(DRAFT08_OBSERVER));
        SseClient draft07 = SseClient.open(http, subscribeUri(BOOK), Map.of())) {
      SseClient draft08 = SseClient.open(http, matchUri("match=" + enc(BOOK)), Map.of());
      Map<String, Object> announced =
          JSONObjectUtils.parse(nextAbout(observer08, "match", BOOK).data());
      await().atMost(Duration.ofSeconds(5)).until(() -> server.hub().subscriberCount() == 3);

      HttpResponse<String> all = get(COLLECTION, bearer(DRAFT08_OBSERVER));
      assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
      assertThat(all.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(all.headers().firstValue("link").orElseThrow())
          .startsWith("</.well-known/mercure>; rel=\"mercure\"; last-event-id=\"")
          .endsWith("; type=\"mercure\"; content-type=\"application/json\"");
      Map<String, Object> collection = JSONObjectUtils.parse(all.body());
      assertThat(collection)
          .containsEntry("type", "subscriptions")
          .containsEntry("id", COLLECTION)
          .doesNotContainKey("lastEventID");
      List<Object> listed = JSONObjectUtils.getJSONArray(collection, "subscriptions");
      assertThat(listed)
          .as("the two draft-08 subscriptions, not the draft-07 one")
          .hasSize(2)
          .contains(announced);

      String byMatch = COLLECTION + "/exact/" + ActiveSubscription.encode(BOOK);
      HttpResponse<String> perMatch = get(byMatch, bearer(DRAFT08_OBSERVER));
      assertThat(JSONObjectUtils.parse(perMatch.body()))
          .containsEntry("id", byMatch)
          .containsEntry("type", "subscriptions");
      assertThat(
              JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(perMatch.body()), "subscriptions"))
          .containsExactly(announced);

      HttpResponse<String> single = get((String) announced.get("id"), bearer(DRAFT08_OBSERVER));
      assertThat(single.statusCode()).isEqualTo(200);
      assertThat(JSONObjectUtils.parse(single.body()))
          .as("exactly the subscription event's document")
          .isEqualTo(announced);

      HttpResponse<String> draft07List = get(COLLECTION, bearer(DRAFT07_OBSERVER));
      assertThat(draft07List.headers().firstValue("content-type")).hasValue("application/ld+json");
      List<Object> listed07 =
          JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(draft07List.body()), "subscriptions");
      assertThat(listed07)
          .singleElement()
          .satisfies(s -> assertThat(((Map<?, ?>) s).get("topic")).isEqualTo(BOOK));

      // The cursor resumes subscription events exactly after the listing: nothing is lost.
      String cursor = cursorOf(get(COLLECTION, bearer(DRAFT08_OBSERVER)));
      draft08.close();
      try (SseClient resumed =
          SseClient.open(
              http,
              matchUri(
                  "match_urlpattern=" + enc(NAMESPACE_PATTERN) + "&last_event_id=" + enc(cursor)),
              bearer(DRAFT08_OBSERVER))) {
        assertThat(resumed.response.headers().firstValue("mercure-last-event-id")).hasValue(cursor);
        Map<String, Object> ended = JSONObjectUtils.parse(nextAbout(resumed, "match", BOOK).data());
        assertThat(ended)
            .containsEntry("active", false)
            .containsEntry("subscriber", announced.get("subscriber"));
      }
    }
  }

  @Test
  void missingAndMalformedResourcesAre404() throws Exception {
    Map<String, String> auth = bearer(DRAFT08_OBSERVER);
    assertThat(
            get(COLLECTION + "/exact/" + ActiveSubscription.encode(BOOK) + "/urn%3Anobody", auth)
                .statusCode())
        .isEqualTo(404);
    assertThat(get(COLLECTION + "/exact", auth).statusCode()).isEqualTo(404);
    assertThat(get(COLLECTION + "/template/x", auth).statusCode()).isEqualTo(404);
    HttpResponse<String> empty = get(COLLECTION + "/exact/nothing", auth);
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(empty.body()), "subscriptions"))
        .isEmpty();
  }

  @Test
  void theApiNeedsASubscribeGrantOnTheRequestedPath() throws Exception {
    String perMatch = COLLECTION + "/exact/" + ActiveSubscription.encode(BOOK);
    String exactGrant = accessToken(List.of(new TopicGrant(perMatch, null)), null);
    assertThat(get(perMatch, bearer(exactGrant)).statusCode())
        .as("an exact grant is compared with the relative path")
        .isEqualTo(200);
    HttpResponse<String> collection = get(COLLECTION, bearer(exactGrant));
    assertThat(collection.statusCode()).isEqualTo(403);
    assertThat(collection.headers().firstValue("www-authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"");
    String booksOnly = accessToken(List.of(new TopicGrant(PATTERN, "urlpattern")), null);
    assertThat(get(perMatch, bearer(booksOnly)).statusCode()).isEqualTo(403);
    String everything = accessToken(List.of(new TopicGrant("*", null)), null);
    assertThat(get(COLLECTION, bearer(everything)).statusCode()).isEqualTo(200);
  }

  @Test
  void theQueryIsNotPartOfTheTopicTheApiIsAuthorizedAs() throws Exception {
    String withQuery = COLLECTION + "?page=2";
    String pathGrant = accessToken(List.of(new TopicGrant(COLLECTION, null)), null);
    assertThat(get(withQuery, bearer(pathGrant)).statusCode())
        .as("the path alone is the topic")
        .isEqualTo(200);
    String queryGrant = accessToken(List.of(new TopicGrant(withQuery, null)), null);
    assertThat(get(withQuery, bearer(queryGrant)).statusCode())
        .as("a grant naming the query matches no topic the API is authorized as")
        .isEqualTo(403);
  }

  /** A token with one subscribe detail per matcher, each carrying its own payload. */
  static String perMatcherPayloads() throws Exception {
    Map<String, Object> claims =
        Map.of(
            "aud",
            RESOURCE,
            "iss",
            ISSUER,
            "sub",
            "reader",
            "exp",
            Instant.now().plus(Duration.ofHours(1)).getEpochSecond(),
            "authorization_details",
            List.of(
                Map.of(
                    "type",
                    "https://mercure.rocks/authorization-detail",
                    "actions",
                    List.of("subscribe"),
                    "payload",
                    Map.of("shelf", "books"),
                    "topics",
                    List.of(Map.of("match", PATTERN, "match_type", "urlpattern"))),
                Map.of(
                    "type",
                    "https://mercure.rocks/authorization-detail",
                    "actions",
                    List.of("subscribe"),
                    "payload",
                    Map.of("shelf", "default"),
                    "topics",
                    List.of(Map.of("match", "*")))));
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).build(),
            new Payload(claims));
    jws.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    return jws.serialize();
  }

  @Test
  void eachSubscriptionCarriesThePayloadOfTheGrantCoveringItsMatcher() throws Exception {
    String film = "https://example.com/films/1";
    try (SseClient observer08 =
            SseClient.open(
                http,
                matchUri("match_urlpattern=" + enc(NAMESPACE_PATTERN)),
                bearer(DRAFT08_OBSERVER));
        SseClient reader =
            SseClient.open(
                http,
                matchUri(
                    "match="
                        + enc(film)
                        + "&match_urlpattern="
                        + enc("https://example.com/books/:name")),
                bearer(perMatcherPayloads()))) {
      // The URL pattern grant covers the matcher https://example.com/books/:name (matched as a
      // topic); the film matcher falls to the * default.
      assertThat(JSONObjectUtils.parse(nextAbout(observer08, "match", film).data()))
          .containsEntry("payload", Map.of("shelf", "default"));
      assertThat(
              JSONObjectUtils.parse(
                  nextAbout(observer08, "match", "https://example.com/books/:name").data()))
          .containsEntry("payload", Map.of("shelf", "books"));
    }
  }

  @Test
  void theTokensPayloadIsInTheDocument() throws Exception {
    String withPayload = accessToken(List.of(new TopicGrant("*", null)), Map.of("name", "ada"));
    try (SseClient observer08 =
            SseClient.open(
                http,
                matchUri("match_urlpattern=" + enc(NAMESPACE_PATTERN)),
                bearer(DRAFT08_OBSERVER));
        SseClient draft08 =
            SseClient.open(http, matchUri("match=" + enc(BOOK)), bearer(withPayload))) {
      assertThat(JSONObjectUtils.parse(nextAbout(observer08, "match", BOOK).data()))
          .containsEntry("payload", Map.of("name", "ada"));
    }
  }
}
