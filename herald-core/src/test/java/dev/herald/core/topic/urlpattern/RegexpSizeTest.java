package dev.herald.core.topic.urlpattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bound on what a pattern's regexp groups compile to, and the limits built on it. */
class RegexpSizeTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "\\d+ ; 2",
        "[a-z0-9-]{1,63} ; 63",
        "a{1000} ; 1000",
        "(?:a{1000}){1000} ; 1000000",
        "(?:(?:ab){10}){10} ; 200",
        "a|b|c ; 3",
        "a{2,} ; 3",
        "[{]{5} ; 5",
        "a{x} ; 4",
        "\\p{Greek}{3} ; 3",
        "(?i:abc){2} ; 6",
        "a{99999999999} ; 2305843009213693951",
      })
  void countsWhatCountedRepetitionsExpandTo(String regexp, long size) {
    assertThat(RegexpSize.of(regexp)).isEqualTo(size);
  }

  @Test
  void aPatternWhoseRegexpsWouldExpandTooFarIsRejectedBeforeCompiling() {
    assertThatThrownBy(
            () -> UrlPattern.compile("https://e.com/((?:(?:a{1000}){1000}){1000})", null))
        .isInstanceOf(UrlPatternException.class)
        .hasMessageContaining("expand to 1000000000 characters (expected: at most 1000;");
    UrlPattern thousand = UrlPattern.compile("https://e.com/(a{1000})", null);
    assertThat(thousand.test("https://e.com/" + "a".repeat(1000), null)).isTrue();
  }

  @Test
  void aComponentWithTooManyGroupsIsRejected() {
    StringBuilder many = new StringBuilder("https://e.com");
    for (int i = 0; i <= Component.MAX_GROUPS; i++) {
      many.append("/:g").append(i);
    }
    assertThatThrownBy(() -> UrlPattern.compile(many.toString(), null))
        .isInstanceOf(UrlPatternException.class)
        .hasMessageContaining("65 groups (expected: at most 64)");
    many.setLength(many.lastIndexOf("/"));
    assertThat(UrlPattern.compile(many.toString(), null).component("pathname")).endsWith("/:g63");
  }
}
