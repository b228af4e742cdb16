package dev.herald.server;

import static dev.herald.server.HubErrorsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The authorizer over real sockets: every route that needs a token answers a missing, malformed,
 * invalid or expired one with 401 and a Bearer challenge saying which, and a valid token that does
 * not grant the operation with 403 and no challenge (draft-07).
 */
class AuthorizerTest extends ServerTestBase {

  private static final String SUBSCRIPTIONS = "/.well-known/mercure/subscriptions";

  @Override
  ServerConfig.Builder config() {
    return super.config().anonymous(false).hub(HubConfig.DEFAULTS.withSubscriptionEvents(true));
  }

  private static String challenge(HttpResponse<String> response) {
    return response.headers().firstValue("www-authenticate").orElse("");
  }

  private static String expired() {
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
    return TokenMinter.mint(KEY, List.of("*"), List.of("*"), null, Duration.ofMinutes(1), past);
  }

  private static String forged() {
    return TokenMinter.mint(
        JwtKey.parse("HS256", "another-secret-that-is-long-enough-for-hs256"),
        List.of("*"),
        List.of("*"),
        null,
        null,
        Clock.systemUTC());
  }

  @Test
  void missingTokenIs401WithAnInvalidRequestChallengeOnEveryRoute() throws Exception {
    HttpResponse<String> publish = publish("topic=t", Map.of());
    HttpResponse<String> subscribe = get("/.well-known/mercure?topic=t", Map.of());
    HttpResponse<String> subscriptions = get(SUBSCRIPTIONS, Map.of());
    assertError(
        publish,
        401,
        "publisher token missing (expected: Authorization: Bearer <JWT>,"
            + " the authorization query parameter, or the mercureAuthorization cookie)");
    assertError(subscribe, 401, "subscriber token missing");
    assertError(subscriptions, 401, "subscriber token missing");
    for (HttpResponse<String> response : List.of(publish, subscribe, subscriptions)) {
      assertThat(challenge(response))
          .startsWith("Bearer realm=\"mercure\", error=\"invalid_request\"");
    }
  }

  @Test
  void invalidTokenIs401WithAnInvalidTokenChallenge() throws Exception {
    String bearer = "Bearer " + forged();
    for (HttpResponse<String> response :
        List.of(
            publish("topic=t", Map.of("Authorization", bearer)),
            get("/.well-known/mercure?topic=t", Map.of("Authorization", bearer)),
            get(SUBSCRIPTIONS, Map.of("Authorization", bearer)))) {
      assertError(response, 401, "signature does not verify");
      assertThat(challenge(response))
          .contains("error=\"invalid_token\"")
          .contains("error_description=\"signature does not verify");
    }
  }

  @Test
  void expiredTokenIs401SayingWhenItExpired() throws Exception {
    HttpResponse<String> response =
        get("/.well-known/mercure?topic=t", Map.of("Authorization", "Bearer " + expired()));
    assertError(response, 401, "token expired at ");
    assertThat(challenge(response)).contains("error=\"invalid_token\"");
  }

  @Test
  void aBrokenHeaderIsNotReplacedByAValidCookie() throws Exception {
    HttpResponse<String> response =
        get(
            "/.well-known/mercure?topic=t",
            Map.of("Authorization", "Basic abc", "Cookie", "mercureAuthorization=" + PUBLISHER));
    assertError(response, 401, "not a bearer token");
    assertThat(challenge(response)).contains("error=\"invalid_request\"");
  }

  @Test
  void insufficientGrantsAre403WithoutAChallenge() throws Exception {
    String subscriberOnly = token(null, List.of("*"), null);
    HttpResponse<String> publish =
        publish("topic=t", Map.of("Authorization", "Bearer " + subscriberOnly));
    assertError(publish, 403, "mercure.publish");
    String booksOnly = token(null, List.of(BOOKS), null);
    HttpResponse<String> subscriptions =
        get(SUBSCRIPTIONS, Map.of("Authorization", "Bearer " + booksOnly));
    assertError(subscriptions, 403, SUBSCRIPTIONS + " is not matched by the token's");
    assertThat(challenge(publish)).isEmpty();
    assertThat(challenge(subscriptions)).isEmpty();
  }

  @Test
  void aTokenInTheQueryOrTheCookieIsAccepted() throws Exception {
    String reader = token(null, List.of(SUBSCRIPTIONS), null);
    assertThat(get(SUBSCRIPTIONS + "?authorization=" + reader, Map.of()).statusCode())
        .isEqualTo(200);
    assertThat(get(SUBSCRIPTIONS, Map.of("Cookie", "mercureAuthorization=" + reader)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aRoleWithoutAKeyRefusesItsTokens() throws Exception {
    restart(config().subscriberKey(null).anonymous(true).build());
    HttpResponse<String> response =
        get(
            "/.well-known/mercure?topic=t",
            Map.of("Authorization", "Bearer " + token(null, List.of("*"), null)));
    assertError(response, 401, "subscriber tokens are not accepted: the hub has no subscriber key");
    assertThat(challenge(response)).contains("error=\"invalid_token\"");
  }
}
