package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The draft-08 subscribe parameters, decoded as Netty decodes a request URI. */
class Draft08QueryTest {

  private static final List<String> TYPES = List.of("exact", "urlpattern");

  private static Map<String, List<String>> query(String uri) {
    return new QueryStringDecoder(uri).parameters();
  }

  private static List<Draft08Query.Matcher> matchers(String uri) {
    return Draft08Query.matchers(query(uri), TYPES, 1_000, 2_048);
  }

  @Test
  void matchAndMatchExactAreExactAndMatchUrlpatternIsAUrlPattern() {
    assertThat(
            matchers(
                "/.well-known/mercure?match=https%3A%2F%2Fexample.com%2Ffoo&match=bar"
                    + "&match_exact=baz&match_urlpattern=https%3A%2F%2Fexample.com%2Fbar%2F%3Aid"))
        .containsExactly(
            new Draft08Query.Matcher("exact", "https://example.com/foo"),
            new Draft08Query.Matcher("exact", "bar"),
            new Draft08Query.Matcher("exact", "baz"),
            new Draft08Query.Matcher("urlpattern", "https://example.com/bar/:id"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "match_regex",
        "MATCH",
        "Match_exact",
        "matches",
        "match_",
        "matchX",
        "match_Exact",
        "match_URLPATTERN"
      })
  void theWholeMatchNamespaceIsReserved(String name) {
    assertThatThrownBy(() -> matchers("/?match=a&" + name + "=b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "query parameter "
                + name
                + ": not a supported matcher (expected: match, or"
                + " match_<type> with a type of [exact, urlpattern])");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a%0Ab", "a%00", "%C2%85", "a%E2%80%8Bb", "%E2%80%AEevil", "%7F"})
  void controlAndFormatCharactersAreRejected(String value) {
    assertThatThrownBy(() -> matchers("/?match=" + value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(expected: no control or format characters)");
  }

  @Test
  void noMatcherEmptyValuesAndTooManyAreRejected() {
    assertThatThrownBy(() -> matchers("/?last_event_id=x"))
        .hasMessageStartingWith("match: missing");
    assertThatThrownBy(() -> matchers("/?match"))
        .hasMessage("match: 0 characters (expected: 1 to 2048)");
    assertThatThrownBy(
            () -> Draft08Query.matchers(query("/?match=a&match=b&match=c"), TYPES, 2, 2_048))
        .hasMessage("match: 3 matchers (expected: <= 2)");
  }

  @Test
  void unrelatedParametersAreIgnored() {
    assertThat(matchers("/?match=a&foo=b&topic_hint=c")).hasSize(1);
  }

  @Test
  void theHeaderWinsOverTheQueryCursor() {
    DefaultHttpHeaders headers = new DefaultHttpHeaders();
    assertThat(Draft08Query.lastEventId(headers, query("/?match=a&last_event_id=q")))
        .isEqualTo("q");
    headers.set("Last-Event-ID", "h");
    assertThat(Draft08Query.lastEventId(headers, query("/?match=a&last_event_id=q")))
        .isEqualTo("h");
    assertThat(Draft08Query.lastEventId(new DefaultHttpHeaders(), query("/?match=a"))).isNull();
  }

  @Test
  void draft08IsRecognisedByMatchNamesOrTheCursor() {
    assertThat(Draft08Query.speaksDraft08(query("/?match=a"))).isTrue();
    assertThat(Draft08Query.speaksDraft08(query("/?MATCH_foo=a"))).isTrue();
    assertThat(Draft08Query.speaksDraft08(query("/?last_event_id=a"))).isTrue();
    assertThat(Draft08Query.speaksDraft08(query("/?topic=a&lastEventID=b"))).isFalse();
  }

  @Test
  void metadataUrlPutsTheWellKnownSegmentBeforeTheResourcePath() {
    assertThat(ResourceMetadata.urlFor("https://localhost/.well-known/mercure"))
        .isEqualTo("https://localhost/.well-known/oauth-protected-resource/.well-known/mercure");
    assertThat(ResourceMetadata.urlFor("http://127.0.0.1:3000/.well-known/mercure"))
        .isEqualTo(
            "http://127.0.0.1:3000/.well-known/oauth-protected-resource/.well-known/mercure");
  }

  @Test
  void metadataDocumentListsWhatDraft08Names() {
    ResourceMetadata metadata =
        new ResourceMetadata(
            "https://localhost/.well-known/mercure",
            List.of("https://auth.example.com"),
            "__Secure-mercure_access_token",
            TYPES,
            true);
    assertThat(metadata.json())
        .isEqualTo(
            "{\"resource\":\"https://localhost/.well-known/"
                + "mercure\",\"authorization_servers\":[\"https://auth.example.com\"],"
                + "\"bearer_methods_supported\":[\"header\"],\"authorization_details_types_supported\":"
                + "[\"https://mercure.rocks/authorization-detail\"],\"mercure_cookie\":"
                + "\"__Secure-mercure_access_token\",\"mercure_matcher_types_supported\":[\"exact\","
                + "\"urlpattern\"],\"mercure_subscriptions\":true}");
  }
}
