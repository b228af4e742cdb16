package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.auth.AccessTokenVerifier;
import dev.herald.core.auth.MatcherCompiler;
import dev.herald.core.auth.TrustedIssuers;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.http.ProtocolDialect.AuthFailure;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What draft-08 says at the HTTP edge, one rule per test. */
class Draft08Test {

  private static final String RESOURCE = "https://localhost/.well-known/mercure";
  private static final String METADATA =
      "https://localhost/.well-known/oauth-protected-resource/.well-known/mercure";

  private final Draft08 draft08 =
      new Draft08(
          new AccessTokenVerifier(
              RESOURCE, TrustedIssuers.none(), MatcherCompiler.forHub(RESOURCE), Clock.systemUTC()),
          new ResourceMetadata(
              RESOURCE,
              List.of(),
              "__Secure-mercure_access_token",
              TopicSelector.MATCHER_TYPES,
              false),
          "__Secure-mercure_access_token",
          3);

  /** A compact JWS with this header; the rest is never read by {@code recognizesBearer}. */
  static String compactJws(String headerJson) {
    return Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(headerJson.getBytes(StandardCharsets.UTF_8))
        + ".e30.c2ln";
  }

  @Test
  void aBearerTokenIsDraft08sWhenItsHeaderSaysAccessToken() {
    assertThat(draft08.recognizesBearer(compactJws("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}")))
        .isTrue();
    assertThat(draft08.recognizesBearer(compactJws("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")))
        .isFalse();
    assertThat(draft08.recognizesBearer("not a token")).isFalse();
  }

  private static String challenge(HttpError error) {
    return error.headers().get(HttpHeaderNames.WWW_AUTHENTICATE);
  }

  @Test
  void eachFailureHasItsStatusAndRfc6750Error() {
    HttpError missing = draft08.rejection(AuthFailure.MISSING, "publisher token missing");
    assertThat(missing.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
    assertThat(challenge(missing)).isEqualTo("Bearer resource_metadata=\"" + METADATA + "\"");
    assertThat(draft08.rejection(AuthFailure.MALFORMED, "x").status())
        .isEqualTo(HttpResponseStatus.BAD_REQUEST);
    assertThat(challenge(draft08.rejection(AuthFailure.INVALID, "aud: wrong")))
        .isEqualTo(
            "Bearer error=\"invalid_token\", error_description=\"aud: wrong\","
                + " resource_metadata=\""
                + METADATA
                + "\"");
    HttpError insufficient = draft08.rejection(AuthFailure.INSUFFICIENT, "topic: t");
    assertThat(insufficient.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
    assertThat(challenge(insufficient)).startsWith("Bearer error=\"insufficient_scope\"");
  }

  @Test
  void aReasonQuotingATokenIsMadeSafeAndShortInTheChallenge() {
    HttpError error =
        draft08.rejection(AuthFailure.INVALID, "aud: [\"x\\\"y\", \"é\"]" + "z".repeat(500));
    String challenge = challenge(error);
    assertThat(challenge).matches("[\\x20-\\x7E]+").hasSizeLessThan(400);
    assertThat(challenge).contains("error_description=\"aud: ['x/'y', '?']zzz");
    assertThat(error.reason()).as("the body keeps it all").endsWith("z".repeat(500));
  }

  @Test
  void matchersCompileToTheirTypesAgainstTheHubUrlAndTooManyAreRefused() {
    Map<String, List<String>> query = new java.util.LinkedHashMap<>();
    query.put("match", List.of("https://example.com/{id}"));
    query.put("match_urlpattern", List.of("/books/:id"));
    ProtocolDialect.SubscribeRequest request =
        draft08.subscribeRequest(new DefaultHttpHeaders(), query);
    assertThat(request.selectors()).hasSize(2);
    assertThat(request.selectors().get(0).matches("https://example.com/{id}")).isTrue();
    assertThat(request.selectors().get(1).matches("https://localhost/books/1")).isTrue();
    assertThatThrownBy(
            () ->
                draft08.subscribeRequest(
                    new DefaultHttpHeaders(), Map.of("match", List.of("a", "b", "c", "d"))))
        .isInstanceOfSatisfying(
            HttpError.class,
            e -> assertThat(e.reason()).isEqualTo("match: 4 matchers (expected: <= 3)"));
  }

  @Test
  void tokensComeFromTheHeaderThenTheCookieNeverTheQuery() {
    assertThat(draft08.tokenSources())
        .containsExactly(TokenLookup.Source.HEADER, TokenLookup.Source.COOKIE);
    assertThat(
            TokenLookup.find(
                draft08.tokenSources(),
                new DefaultHttpHeaders(),
                Map.of("authorization", List.of("fromQuery")),
                draft08.cookieName()))
        .isNull();
    assertThat(draft08.lastEventIdHeader()).isEqualTo("Mercure-Last-Event-ID");
  }
}
