package dev.herald.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.topic.urlpattern.UrlPatternException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The draft-08 matcher types, {@code exact} and {@code urlpattern}, and {@code *} under each. */
class Draft08SelectorTest {

  private static final String HUB = "https://hub.example.com/.well-known/mercure";

  @ParameterizedTest
  @ValueSource(strings = {"exact", "urlpattern"})
  void theWildcardMatchesEveryTopicUnderEveryMatcherType(String type) {
    TopicSelector any = TopicSelector.matcher(type, "*", HUB);
    assertThat(any.isAny()).isTrue();
    assertThat(any.kind()).isEqualTo(TopicSelector.Kind.ANY);
    assertThat(any.matches("https://example.com/books/1")).isTrue();
    assertThat(any.matches("not a url at all")).isTrue();
    assertThat(any.literalPrefix()).isEmpty();
  }

  @ParameterizedTest(name = "exact {0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://example.com/books/1     | https://example.com/books/1     | true",
        // No URI template reading: braces are plain characters.
        "https://example.com/books/{id}  | https://example.com/books/1     | false",
        "https://example.com/books/{id}  | https://example.com/books/{id}  | true",
        // No normalization of case, percent-encoding or Unicode.
        "https://example.com/a           | https://EXAMPLE.com/a           | false",
        "https://example.com/%41         | https://example.com/A           | false",
        "caf\u00e9                        | cafe\u0301                       | false",
        // No resolution against the hub URL.
        "/books/1                        | https://hub.example.com/books/1 | false",
        "/books/1                        | /books/1                        | true",
      })
  void exactComparesTheStringsAsTheyAre(String selector, String topic, boolean matches) {
    TopicSelector exact = TopicSelector.exact(selector);
    assertThat(exact.kind()).isEqualTo(TopicSelector.Kind.EXACT);
    assertThat(exact.matches(topic)).isEqualTo(matches);
    assertThat(exact.literalPrefix()).isEqualTo(selector);
  }

  @ParameterizedTest(name = "urlpattern {0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://example.com/books/:id   | https://example.com/books/1        | true",
        "https://example.com/books/:id   | https://example.com/books/1/2      | false",
        "https://example.com/books/:id   | https://example.com/books/         | false",
        "https://example.com/books/:id   | http://example.com/books/1         | false",
        "https://example.com/books/:id   | https://example.com:8443/books/1   | false",
        "https://example.com/books/:id   | https://example.com:443/books/1    | true",
        // Hosts are case-insensitive (canonicalized), paths are not.
        "https://example.com/books/:id   | https://EXAMPLE.com/books/1        | true",
        "https://example.com/books/:id   | https://example.com/BOOKS/1        | false",
        // The topic is parsed as a URL: dot segments go, the query is its own component.
        "https://example.com/books/:id   | https://example.com/x/../books/1   | true",
        "https://example.com/books/:id   | https://example.com/books/1?x=1    | true",
        "https://example.com/books/:id   | https://example.com/books/1#top    | true",
        "https://example.com/books/(\\d+) | https://example.com/books/12       | true",
        "https://example.com/books/(\\d+) | https://example.com/books/1a       | false",
        "https://example.com/*           | https://example.com/a/b/c          | true",
        "https://*.example.com/*         | https://a.b.example.com/x          | true",
        "https://*.example.com/*         | https://example.com/x              | false",
        // Relative patterns and relative topics both resolve against the hub URL.
        "/.well-known/mercure/subscriptions/exact/:topic/:sub | /.well-known/mercure/subscriptions/exact/t/s | true",
        "/.well-known/mercure/subscriptions/exact/:topic/:sub | https://hub.example.com/.well-known/mercure/subscriptions/exact/t/s | true",
        "/.well-known/mercure/subscriptions/exact/:topic/:sub | https://other.example/.well-known/mercure/subscriptions/exact/t/s | false",
        "/books/:id                      | books/1                            | false",
        "/books/:id                      | /books/1                           | true",
        // A topic that is not a URL never matches.
        "https://example.com/*           | https://exa mple.com/x             | false",
        "https://example.com/*           | http://[::1                        | false",
      })
  void urlPatternMatchesTheTopicAsAUrl(String selector, String topic, boolean matches) {
    TopicSelector pattern = TopicSelector.urlPattern(selector, HUB);
    assertThat(pattern.kind()).isEqualTo(TopicSelector.Kind.URL_PATTERN);
    assertThat(pattern.isTemplate()).as("evaluated, never looked up by its text").isTrue();
    assertThat(pattern.isExact()).isFalse();
    assertThat(pattern.matches(topic)).isEqualTo(matches);
    assertThat(pattern.literalPrefix()).as("a relative or upper-case topic may match").isNull();
    if (matches) {
      assertThat(pattern.indexKey(topic)).startsWith(pattern.indexKeyPrefix());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.com/(", // unclosed regexp group
        "https://example.com/:", // a name-less group
        "https://example.com/((?=a)a)", // lookahead: RE2 refuses it
        "https://example.com/(\\1)", // a backreference: RE2 refuses it
        "https://example.com/(?x)", // a group opening with ?
        "https://example.com/((?:a{1000}){1000})", // expands to a million: too costly to compile
        "https://example.com/:id/:id", // a duplicate name
        "https://example.com/(a(b))", // a capturing group inside a group
        "https://exa mple.com/*", // a host the URL parser refuses
      })
  void aPatternThatDoesNotCompileIsATypedError(String selector) {
    assertThatThrownBy(() -> TopicSelector.urlPattern(selector, HUB))
        .isInstanceOf(UrlPatternException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected:");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a\u0000b",
        "a\nb",
        "a\u007fb",
        "a\u0085b",
        "a\u200bb",
        "a\u202eb",
        "a\ud800b"
      })
  void emptyMatchersAndForbiddenCharactersAreRejectedUnderEveryType(String raw) {
    for (String type : TopicSelector.MATCHER_TYPES) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> TopicSelector.matcher(type, raw, HUB))
          .withMessageStartingWith(type + " matcher: ");
    }
  }

  @Test
  void anUnknownMatcherTypeIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TopicSelector.matcher("regex", "a.*", HUB))
        .withMessage("matcher type: regex (expected: one of [exact, urlpattern])");
  }

  @Test
  void aUrlPatternIsCompiledOncePerPatternAndHub() {
    String raw = "https://example.com/cached/:id";
    assertThat(TopicSelector.urlPattern(raw, HUB)).isSameAs(TopicSelector.urlPattern(raw, HUB));
    TopicSelector elsewhere = TopicSelector.urlPattern(raw, "https://other.example/hub");
    assertThat(elsewhere).isNotEqualTo(TopicSelector.urlPattern(raw, HUB));
    TopicSelector relative = TopicSelector.urlPattern("/cached/:id", HUB);
    assertThat(relative.matches("https://hub.example.com/cached/1")).isTrue();
    assertThat(
            TopicSelector.urlPattern("/cached/:id", "https://other.example/hub")
                .matches("https://hub.example.com/cached/1"))
        .isFalse();
  }

  @Test
  void aUrlPatternAndATemplateWithTheSameTextAreDifferentSelectors() {
    String raw = "https://example.com/books/{id}";
    TopicSelector template = TopicSelector.of(raw);
    TopicSelector pattern = TopicSelector.urlPattern(raw, HUB);
    assertThat(template).isNotEqualTo(pattern);
    assertThat(template.matches("https://example.com/books/1")).isTrue();
    // In a URL pattern, {id} is a group holding the literal text "id".
    assertThat(pattern.matches("https://example.com/books/1")).isFalse();
    assertThat(pattern.matches("https://example.com/books/id")).isTrue();
  }

  @Test
  void aNonSpecialPatternsRelativePathJoinsTheHubPathAsTheStandardSays() {
    // "process a URLPatternInit" prefixes a path not starting with '/' with the base URL's
    // directory, whatever the protocol: with a base, urn patterns need an absolute path.
    TopicSelector urn = TopicSelector.urlPattern("urn\\:isbn\\:*", HUB);
    assertThat(urn.matches("urn:isbn:0451450523")).isFalse();
    assertThat(urn.matches("urn:/.well-known/isbn:0451450523")).isTrue();
  }

  @Test
  void matchingTakesLinearTimeWhateverThePattern() {
    // Catastrophic for a backtracking engine: nested quantifiers that fail at the very end.
    TopicSelector evil = TopicSelector.urlPattern("https://example.com/((?:a|aa)*)b", HUB);
    String topic = "https://example.com/" + "a".repeat(50_000);
    assertThat(evil.matches(topic)).isFalse();
    assertThat(evil.matches(topic + "b")).isTrue();
  }

  @Test
  void indexKeyPrefixes() {
    assertThat(TopicSelector.urlPattern("https://example.com/books/:id", HUB).indexKeyPrefix())
        .isEqualTo("https://example.com/books/");
    assertThat(TopicSelector.urlPattern("https://example.com/books/:id?", HUB).indexKeyPrefix())
        .isEqualTo("https://example.com/books");
    assertThat(TopicSelector.urlPattern("/books/:id", HUB).indexKeyPrefix())
        .isEqualTo("https://hub.example.com/books/");
    assertThat(TopicSelector.urlPattern("https://example.com:8080/a", HUB).indexKeyPrefix())
        .isEqualTo("https://example.com:8080/a");
    // Only the scheme is fixed: the host is not, so neither is anything after it.
    assertThat(TopicSelector.urlPattern("https://*.example.com/a", HUB).indexKeyPrefix())
        .isEqualTo("https://");
    assertThat(TopicSelector.urlPattern("https://example.com:*/a", HUB).indexKeyPrefix())
        .isEqualTo("https://example.com");
    assertThat(TopicSelector.urlPattern("http{s}?://example.com/a", HUB).indexKeyPrefix())
        .isEmpty();
    assertThat(
            TopicSelector.urlPattern("https://example.com/books/:id/:page?", HUB).indexKeyPrefix())
        .isEqualTo("https://example.com/books/");
    TopicSelector template = TopicSelector.of("https://example.com/books/{id}");
    assertThat(template.indexKeyPrefix())
        .isEqualTo(template.literalPrefix())
        .isEqualTo("https://example.com/books/");
    assertThat(template.indexKey("https://example.com/books/1"))
        .isEqualTo("https://example.com/books/1");
    assertThat(TopicSelector.exact("a b").indexKeyPrefix()).isEqualTo("a b");
    assertThat(TopicSelector.exact("*").indexKeyPrefix()).isEmpty();
  }

  @ParameterizedTest(name = "urlpattern {0} -> suffix \"{1}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        // After the last group, with that group's own suffix when the group is required.
        "https://example.com/books/:id/reviews    | /reviews",
        "https://example.com/books/{:id}.json      | .json",
        "https://example.com/books/:id?/reviews   | /reviews",
        // A path ending in a group, or an optional fixed part, ends in nothing known.
        "https://example.com/books/:id            | ''",
        "https://example.com/books{/reviews}?     | ''",
        // A path of fixed text only is the prefix's already, unless the prefix stops before it.
        "https://example.com/books                | ''",
        "http{s}?://example.com/books/1           | /books/1",
        "https://*.example.com/books/1            | /books/1",
        "/books/:id/reviews                       | /reviews",
      })
  void indexKeySuffixes(String pattern, String suffix) {
    assertThat(TopicSelector.urlPattern(pattern, HUB).indexKeySuffix()).isEqualTo(suffix);
  }

  @Test
  void anExactSelectorsWholeTextIsItsPrefixAndNotAlsoItsSuffix() {
    TopicSelector exact = TopicSelector.exact("https://example.com/books/1");
    assertThat(exact.indexKeyPrefix()).isEqualTo("https://example.com/books/1");
    assertThat(exact.indexKeySuffix()).isEmpty();
  }

  /**
   * The index properties, over every pair of a fixed set of selectors and generated topics: a topic
   * a selector matches starts with its literal prefix (when known), ends with its literal suffix,
   * and has an index key starting with its index key prefix.
   */
  @Test
  void everyMatchedTopicFitsTheSelectorsPrefixesAndSuffix() {
    List<TopicSelector> selectors = new ArrayList<>();
    for (String raw :
        List.of(
            "https://example.com/books/:id",
            "https://example.com/books/*",
            "https://example.com/:kind/:id",
            "/books/:id",
            "/.well-known/mercure/*",
            "https://example.com/books/:id?*",
            "https://example.com/books{/:id}?",
            "https://example.com:8080/*",
            "http{s}?://example.com/books/:id",
            "https://*/books/*",
            "https://example.com/books/(\\d+)",
            "https://example.com/books/:id/reviews",
            "http{s}?://example.com/books/1",
            "https://*/books/{:id}.json")) {
      selectors.add(TopicSelector.urlPattern(raw, HUB));
    }
    for (String raw :
        List.of(
            "https://example.com/books/{id}",
            "https://example.com/{+path}",
            "{scheme}://example.com/books/1",
            "https://example.com/books/1",
            "*",
            "https://example.com/{kind}/1")) {
      selectors.add(TopicSelector.of(raw));
    }
    selectors.add(TopicSelector.exact("https://example.com/books/1"));
    Random random = new Random(8);
    String[] schemes = {"https://", "http://", "HTTPS://", ""};
    String[] hosts = {
      "example.com",
      "EXAMPLE.com",
      "hub.example.com",
      "user:pw@example.com",
      "example.com:443",
      "example.com:8080",
      "other.org",
      ""
    };
    String[] segments = {
      "books",
      "1",
      "42",
      "a b",
      "%41",
      ".",
      "..",
      "{id}",
      "BOOKS",
      "\u00e9",
      ".well-known",
      "mercure",
      "reviews",
      "1.json"
    };
    String[] tails = {"", "", "?q=1", "#top", "/"};
    int matches = 0;
    for (int i = 0; i < 2_000; i++) {
      StringBuilder topic = new StringBuilder(schemes[random.nextInt(schemes.length)]);
      topic.append(hosts[random.nextInt(hosts.length)]);
      for (int s = random.nextInt(4); s >= 0; s--) {
        topic.append('/').append(segments[random.nextInt(segments.length)]);
      }
      topic.append(tails[random.nextInt(tails.length)]);
      String candidate = topic.toString();
      for (TopicSelector selector : selectors) {
        if (selector.matches(candidate)) {
          matches++;
          String key = selector.indexKey(candidate);
          assertThat(key)
              .as("%s matching %s", selector, candidate)
              .startsWith(selector.indexKeyPrefix())
              .endsWith(selector.indexKeySuffix())
              .hasSizeGreaterThanOrEqualTo(
                  selector.indexKeyPrefix().length() + selector.indexKeySuffix().length());
          if (selector.literalPrefix() != null) {
            assertThat(candidate).startsWith(selector.literalPrefix());
          }
          assertThat(candidate).endsWith(selector.literalSuffix());
        }
      }
    }
    assertThat(matches).as("matches among the generated pairs").isGreaterThan(250);
  }
}
