package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.topic.TopicSelector;
import dev.herald.server.http.ProtocolDialect.AuthFailure;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What draft-07 says at the HTTP edge, one rule per test. */
class Draft07Test {

  private final ProtocolDialect draft07 = new Draft07(null, null, "mercureAuthorization");

  @Test
  void selectorsAreTheTopicParameters() {
    ProtocolDialect.SubscribeRequest request =
        draft07.subscribeRequest(
            new DefaultHttpHeaders(), Map.of("topic", List.of("a", "b"), "match", List.of("c")));
    assertThat(request.selectors()).extracting(TopicSelector::raw).containsExactly("a", "b");
    assertThat(request.lastEventId()).isNull();
  }

  @Test
  void itsQueryNamesAreTopicAndLastEventIdOnly() {
    assertThat(draft07.namedByQuery(Map.of("topic", List.of("a")))).isTrue();
    assertThat(draft07.namedByQuery(Map.of("lastEventID", List.of("a")))).isTrue();
    assertThat(draft07.namedByQuery(Map.of("match", List.of("a"), "last_event_id", List.of("b"))))
        .isFalse();
    assertThat(draft07.queryParameterNames()).isEqualTo("topic, lastEventID");
  }

  @Test
  void noBearerTokenIsRecognizedAsDraft07sOwn() {
    assertThat(draft07.recognizesBearer(Draft08Test.compactJws("{\"alg\":\"HS256\"}"))).isFalse();
  }

  @Test
  void noTopicIs400() {
    assertThatThrownBy(() -> draft07.subscribeRequest(new DefaultHttpHeaders(), Map.of()))
        .isInstanceOfSatisfying(
            HttpError.class,
            e -> {
              assertThat(e.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
              assertThat(e.reason()).startsWith("topic: missing");
            });
  }

  @Test
  void theLastEventIdHeaderWinsOverTheQueryParameter() {
    Map<String, List<String>> query = Map.of("topic", List.of("a"), "lastEventID", List.of("q"));
    assertThat(draft07.subscribeRequest(new DefaultHttpHeaders(), query).lastEventId())
        .isEqualTo("q");
    HttpHeaders headers = new DefaultHttpHeaders().set("Last-Event-ID", "h");
    assertThat(draft07.subscribeRequest(headers, query).lastEventId()).isEqualTo("h");
    assertThat(draft07.lastEventIdHeader()).isEqualTo("Last-Event-ID");
  }

  @Test
  void tokensComeFromTheHeaderThenTheQueryThenTheCookie() {
    assertThat(draft07.tokenSources())
        .containsExactly(
            TokenLookup.Source.HEADER, TokenLookup.Source.QUERY, TokenLookup.Source.COOKIE);
    HttpHeaders cookieOnly = new DefaultHttpHeaders().set(HttpHeaderNames.COOKIE, "c=fromCookie");
    assertThat(
            TokenLookup.find(
                    draft07.tokenSources(),
                    cookieOnly,
                    Map.of("authorization", List.of("fromQuery")),
                    "c")
                .token())
        .isEqualTo("fromQuery");
    assertThat(TokenLookup.find(draft07.tokenSources(), cookieOnly, Map.of(), "c").source())
        .isEqualTo(TokenLookup.Source.COOKIE);
    assertThat(TokenLookup.describe(draft07.tokenSources(), "c"))
        .isEqualTo(
            "Authorization: Bearer <JWT>, the authorization query parameter, or the c cookie");
  }

  @Test
  void failuresAre401WithABearerChallengeExceptInsufficientWhichIs403() {
    HttpError missing = draft07.rejection(AuthFailure.MISSING, "token missing");
    assertThat(missing.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
    assertThat(missing.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))
        .isEqualTo(
            "Bearer realm=\"mercure\", error=\"invalid_request\", error_description=\"token missing\"");
    HttpError invalid = draft07.rejection(AuthFailure.INVALID, "bad \"sig\"");
    assertThat(invalid.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))
        .contains("error=\"invalid_token\"")
        .contains("error_description=\"bad 'sig'\"");
    assertThat(
            draft07
                .rejection(AuthFailure.MALFORMED, "x")
                .headers()
                .get(HttpHeaderNames.WWW_AUTHENTICATE))
        .contains("invalid_request");
    HttpError insufficient = draft07.rejection(AuthFailure.INSUFFICIENT, "not granted");
    assertThat(insufficient.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
    assertThat(insufficient.headers().contains(HttpHeaderNames.WWW_AUTHENTICATE)).isFalse();
  }
}
