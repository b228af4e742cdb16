package dev.herald.core.topic.urlpattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The public surface the hub uses, beyond the web-platform-tests corpus. */
class UrlPatternTest {

  private static final String HUB = "https://hub.example.com/.well-known/mercure";

  @Test
  void aRelativePatternNeedsABaseUrl() {
    assertThatThrownBy(() -> UrlPattern.compile("/books/:id", null))
        .isInstanceOf(UrlPatternException.class)
        .hasMessage(
            "invalid pattern \"/books/:id\": relative (expected: an absolute pattern, or a "
                + "base URL)");
    assertThat(UrlPattern.compile("/books/:id", HUB).component("hostname"))
        .isEqualTo("hub.example.com");
  }

  @Test
  void anInvalidBaseUrlIsATypedError() {
    assertThatThrownBy(() -> UrlPattern.compile("/books/:id", "not a url"))
        .isInstanceOf(UrlPatternException.class)
        .hasMessageContaining("invalid base URL \"not a url\"");
  }

  @Test
  void errorsNameThePatternAndWhatWasExpected() {
    assertThatThrownBy(() -> UrlPattern.compile("https://example.com/(a", null))
        .hasMessage(
            "invalid pattern \"/(a\" at index 1 (expected: a ')' closing the regexp group)");
    assertThatThrownBy(() -> UrlPattern.compile("https://example.com/((?=b)b)", null))
        .hasMessageContaining("does not compile")
        .hasMessageContaining("expected: RE2 syntax");
  }

  @Test
  void aHostOnlyPatternMeansTheDefaultPortAndAnyPath() {
    UrlPattern origin = UrlPattern.compile("https://example.com", null);
    assertThat(origin.test("https://example.com/a/b?c#d", null)).isTrue();
    assertThat(origin.test("https://example.com:8443/", null)).isFalse();
    assertThat(
            UrlPattern.compile("https://example.com:*", null)
                .test("https://example.com:8443/", null))
        .isTrue();
  }

  @Test
  void patternsShareTheComponentsTheyHaveInCommon() {
    UrlPattern books = UrlPattern.compile("https://example.com/books/:id", null);
    UrlPattern films = UrlPattern.compile("https://example.com/films/:id", null);
    for (String name : new String[] {"protocol", "username", "hostname", "port", "search"}) {
      assertThat(books.compiled(name)).as(name).isSameAs(films.compiled(name));
    }
    assertThat(books.compiled("pathname")).isNotSameAs(films.compiled("pathname"));
  }

  @Test
  void theIndexKeyOfAUrlLeavesOutCredentialsQueryAndFragment() {
    WhatwgUrl url =
        WhatwgUrl.parse("HTTPS://u:p@EXAMPLE.com:443/a/./b/../c?q#f", (WhatwgUrl) null)
            .orElseThrow();
    assertThat(UrlPattern.indexKey(url)).isEqualTo("https://example.com/a/c");
    assertThat(url.toString()).isEqualTo("https://u:p@example.com/a/c?q#f");
  }
}
