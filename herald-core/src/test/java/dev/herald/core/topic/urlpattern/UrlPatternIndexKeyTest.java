package dev.herald.core.topic.urlpattern;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link UrlPattern#literalPrefix()} and {@link UrlPattern#literalSuffix()} are sound: for every
 * pattern of the web-platform-tests corpus (one-string and component forms, {@code ignoreCase}
 * included, which Mercure never uses but a wrong prefix would turn into lost events) and every URL
 * the corpus or a generator produces, a URL the pattern matches has an {@link UrlPattern#indexKey}
 * that starts with the prefix and ends with the suffix, the two not overlapping.
 */
class UrlPatternIndexKeyTest {

  private static final String[] SCHEMES = {"https://", "http://", "HTTPS://", "data:", "foo://"};
  private static final String[] HOSTS = {
    "example.com",
    "EXAMPLE.com",
    "sub.example.com",
    "www.example.com",
    "user:pw@example.com",
    "example.com:8080",
    "example.com:443",
    "[::1]",
    "other.com"
  };
  private static final String[] SEGMENTS = {
    "/foo",
    "/bar",
    "/FOO",
    "/1",
    "/foo.html",
    "/%41",
    "/1.html",
    "/1.HTML",
    "/BAR",
    "/Foo",
    "/x",
    "/caf\u00e9",
    "/..",
    "/.",
    "/",
    "/foo/bar",
    "/baz.json",
    "/:id",
    "/a b"
  };
  private static final String[] TAILS = {"", "", "?q=1", "#h", "?foo"};

  @SuppressWarnings("unchecked")
  private static List<UrlPattern> corpusPatterns() throws Exception {
    List<UrlPattern> patterns = new ArrayList<>();
    for (Object raw : UrlPatternWptTest.corpus()) {
      Map<String, Object> entry = (Map<String, Object>) raw;
      if ("error".equals(entry.get("expected_obj"))) {
        continue;
      }
      try {
        patterns.add(UrlPatternWptTest.construct((List<Object>) entry.get("pattern")));
      } catch (UrlPatternException rejected) {
        // Some entries expect an error only from a later call; such a pattern is of no use here.
      }
    }
    // The corpus fixes no scheme where it ignores case: these do, so the path is reached.
    for (String raw :
        List.of(
            "https://example.com/FOO/:id",
            "https://example.com/foo/:id/BAR",
            "https://example.com/x{/:id.HTML}?",
            "http{s}?://example.com/Foo/*",
            "/FOO/*",
            "https://example.com/foo{/:id.html}?",
            "https://example.com/foo/:id.html")) {
      patterns.add(UrlPattern.compile(raw, "https://example.com/", true));
      patterns.add(UrlPattern.compile(raw, "https://example.com/", false));
    }
    return patterns;
  }

  /** The corpus's inputs as URLs (component-form inputs written out), then generated ones. */
  @SuppressWarnings("unchecked")
  private static List<WhatwgUrl> urls() throws Exception {
    Set<String> written = new LinkedHashSet<>();
    List<WhatwgUrl> urls = new ArrayList<>();
    for (Object raw : UrlPatternWptTest.corpus()) {
      List<Object> inputs = (List<Object>) ((Map<String, Object>) raw).get("inputs");
      if (inputs == null || inputs.isEmpty()) {
        continue;
      }
      if (inputs.get(0) instanceof String url) {
        String base = inputs.size() > 1 && inputs.get(1) instanceof String b ? b : null;
        WhatwgUrl.parse(url, base).ifPresent(urls::add);
      } else if (inputs.get(0) instanceof Map<?, ?> init) {
        written.add(
            orDefault(init, "protocol", "https")
                + "://"
                + orDefault(init, "hostname", "example.com")
                + (init.containsKey("port") ? ":" + init.get("port") : "")
                + orDefault(init, "pathname", "/")
                + (init.containsKey("search") ? "?" + init.get("search") : ""));
      }
    }
    Random random = new Random(17);
    for (int i = 0; i < 400; i++) {
      StringBuilder url = new StringBuilder(SCHEMES[random.nextInt(SCHEMES.length)]);
      url.append(HOSTS[random.nextInt(HOSTS.length)]);
      for (int s = random.nextInt(4); s > 0; s--) {
        url.append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
      }
      written.add(url.append(TAILS[random.nextInt(TAILS.length)]).toString());
    }
    for (String url : written) {
      WhatwgUrl.parse(url, (String) null).ifPresent(urls::add);
    }
    return urls;
  }

  private static String orDefault(Map<?, ?> init, String name, String otherwise) {
    Object value = init.get(name);
    return value == null ? otherwise : (String) value;
  }

  @Test
  void everyMatchedUrlsKeyStartsWithThePrefixAndEndsWithTheSuffix() throws Exception {
    List<UrlPattern> patterns = corpusPatterns();
    List<WhatwgUrl> urls = urls();
    int matches = 0;
    int withPrefixBeyondTheHost = 0;
    int withSuffix = 0;
    for (UrlPattern pattern : patterns) {
      String prefix = pattern.literalPrefix();
      String suffix = pattern.literalSuffix();
      for (WhatwgUrl url : urls) {
        if (!pattern.test(url)) {
          continue;
        }
        matches++;
        String key = UrlPattern.indexKey(url);
        assertThat(key)
            .as("%s matching %s", pattern, key)
            .startsWith(prefix)
            .endsWith(suffix)
            .hasSizeGreaterThanOrEqualTo(prefix.length() + suffix.length());
        if (prefix.length() > (url.scheme() + "://" + url.hostname()).length()) {
          withPrefixBeyondTheHost++;
        }
        if (!suffix.isEmpty()) {
          withSuffix++;
        }
      }
    }
    // Without these the assertions above would hold of an index that knows nothing.
    assertThat(matches).as("matching pairs").isGreaterThan(500);
    assertThat(withPrefixBeyondTheHost).as("matches with a path in the prefix").isGreaterThan(50);
    assertThat(withSuffix).as("matches with a suffix").isGreaterThan(20);
  }

  @Test
  void aPathThatIgnoresCaseContributesNothing() {
    UrlPattern pattern = UrlPattern.compile("https://example.com/Foo/:id/Bar", null, true);
    assertThat(pattern.literalPrefix()).isEqualTo("https://example.com");
    assertThat(pattern.literalSuffix()).isEmpty();
    Optional<WhatwgUrl> url = WhatwgUrl.parse("https://example.com/foo/1/bar", (String) null);
    assertThat(pattern.test(url.orElseThrow())).isTrue();
  }
}
