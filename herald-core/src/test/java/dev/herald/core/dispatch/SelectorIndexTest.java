package dev.herald.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONArrayUtils;
import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.topic.TopicSelector;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The index answers what a scan of every selector answers: on random templates, exact selectors and
 * topics drawn from a small alphabet (so that prefixes collide and many topics match), and on
 * draft-08 URL patterns and URLs from the web-platform-tests URL Pattern corpus and a generator,
 * against several hub URLs, with selectors added and removed between lookups so the per-topic cache
 * must follow. Then: what a lookup evaluates when many selectors are held.
 */
class SelectorIndexTest {

  private static final String[] LITERALS = {"a", "b", "/", "x/", "https://h/", "%41", ":", ""};
  private static final String[] EXPRESSIONS = {
    "{v}", "{+r}", "{#f}", "{.l}", "{/p}", "{;m}", "{?q}", "{&c}", "{v,w}", "{/p*}", "{v:2}"
  };
  private static final String[] TOPIC_PARTS = {
    "a", "b", "/", "x/", "https://h/", "%41", ":", ".", "?q=", "&c=", "#", ";m", "=", ",", "1"
  };

  private static String randomTemplate(Random random) {
    StringBuilder out = new StringBuilder();
    int parts = 1 + random.nextInt(5);
    boolean expression = false;
    for (int i = 0; i < parts; i++) {
      if (random.nextInt(3) == 0) {
        out.append(EXPRESSIONS[random.nextInt(EXPRESSIONS.length)]);
        expression = true;
      } else {
        out.append(LITERALS[random.nextInt(LITERALS.length)]);
      }
    }
    if (!expression || random.nextInt(8) == 0) {
      out.append(EXPRESSIONS[random.nextInt(EXPRESSIONS.length)]);
    }
    return out.toString();
  }

  private static String randomSelector(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> randomTopic(random); // exact (or a template, if it happens to hold braces)
      default -> randomTemplate(random);
    };
  }

  private static String randomTopic(Random random) {
    StringBuilder out = new StringBuilder();
    int parts = random.nextInt(7);
    for (int i = 0; i < parts; i++) {
      out.append(TOPIC_PARTS[random.nextInt(TOPIC_PARTS.length)]);
    }
    return out.toString().isEmpty() ? "a" : out.toString();
  }

  private static Set<String> scan(Map<String, TopicSelector> selectors, String topic) {
    Set<String> out = new HashSet<>();
    for (TopicSelector selector : selectors.values()) {
      if (selector.matches(topic)) {
        out.add(selector.raw());
      }
    }
    return out;
  }

  @Test
  void indexAnswersWhatAScanAnswers() {
    for (long seed = 0; seed < 40; seed++) {
      Random random = new Random(seed);
      SelectorIndex<String> index = new SelectorIndex<>();
      Map<String, TopicSelector> filed = new LinkedHashMap<>();
      List<String> topics = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        topics.add(randomTopic(random));
      }
      int matched = 0;
      for (int step = 0; step < 600; step++) {
        int action = random.nextInt(10);
        if (action < 3) {
          TopicSelector selector = TopicSelector.of(randomSelector(random));
          if (!selector.isExact() && !filed.containsKey(selector.raw())) {
            index.put(selector, selector.raw());
            filed.put(selector.raw(), selector);
          }
        } else if (action < 4 && !filed.isEmpty()) {
          String victim = new ArrayList<>(filed.keySet()).get(random.nextInt(filed.size()));
          assertThat(index.remove(filed.get(victim))).isTrue();
          filed.remove(victim);
        } else {
          // Topics repeat, so some lookups are answered by the cache.
          String topic =
              random.nextBoolean()
                  ? topics.get(random.nextInt(topics.size()))
                  : randomTopic(random);
          Set<String> expected = scan(filed, topic);
          assertThat(new HashSet<>(index.matching(topic)))
              .as("seed %d, topic %s, selectors %s", seed, topic, filed.keySet())
              .isEqualTo(expected);
          matched += expected.size();
        }
      }
      assertThat(index.size()).isEqualTo(filed.size());
      assertThat(matched).as("seed %d: the generator must produce matches", seed).isPositive();
    }
  }

  private static final List<String> HUBS =
      List.of(
          "https://example.com/.well-known/mercure",
          "https://hub.example.com/.well-known/mercure",
          "http://example.com:8080/hub/");

  private static final String[] PATTERN_SCHEMES = {
    "https://", "http://", "http{s}?://", "*://", "HTTPS://", "(https?)://", ""
  };
  private static final String[] PATTERN_HOSTS = {
    "example.com",
    "EXAMPLE.com",
    "*.example.com",
    "{sub.}?example.com",
    ":host.com",
    "hub.example.com",
    "example.com:8080",
    "example.com:*",
    "[::1]",
    "example.com:443"
  };
  private static final String[] PATTERN_PATHS = {
    "/foo",
    "/:id",
    "/*",
    "{/bar}?",
    "/(\\d+)",
    ".json",
    "/:id?",
    "/:id+",
    "/*?",
    "{:x}",
    "/books",
    "/B%41R",
    "/caf\u00e9",
    "/(foo|bar)",
    "{/:id.json}?",
    "{/:id/}?",
    "{/:a.:b}*",
    "{/:id}",
    "/foo.:ext"
  };
  private static final String[] PATTERN_TAILS = {"", "", "", "?*", "\\?q", "#*", "?q=:v"};
  private static final String[] URL_SCHEMES = {"https://", "http://", "HTTPS://", "Http://", ""};
  private static final String[] URL_HOSTS = {
    "example.com",
    "EXAMPLE.COM",
    "sub.example.com",
    "hub.example.com",
    "example.com:8080",
    "example.com:443",
    "u:p@example.com",
    "[::1]",
    "host.com"
  };
  private static final String[] URL_PATHS = {
    "/foo",
    "/bar",
    "/1",
    "/12",
    ".json",
    "/books",
    "/%41",
    "/BAR",
    "/caf\u00e9",
    "/..",
    "/.",
    "/",
    "/foo.json"
  };
  private static final String[] URL_TAILS = {"", "", "?q", "?q=1", "#h"};

  /** A pattern from the generator's pieces (some do not compile, and are then skipped). */
  private static String randomPattern(Random random) {
    StringBuilder out = new StringBuilder(PATTERN_SCHEMES[random.nextInt(PATTERN_SCHEMES.length)]);
    if (out.length() > 0) {
      out.append(PATTERN_HOSTS[random.nextInt(PATTERN_HOSTS.length)]);
    }
    for (int s = random.nextInt(4); s >= 0; s--) {
      out.append(PATTERN_PATHS[random.nextInt(PATTERN_PATHS.length)]);
    }
    return out.append(PATTERN_TAILS[random.nextInt(PATTERN_TAILS.length)]).toString();
  }

  /** A topic, absolute or relative to the hub, written in any case. */
  private static String randomUrl(Random random) {
    StringBuilder out = new StringBuilder(URL_SCHEMES[random.nextInt(URL_SCHEMES.length)]);
    if (out.length() > 0) {
      out.append(URL_HOSTS[random.nextInt(URL_HOSTS.length)]);
    }
    for (int s = random.nextInt(4); s >= 0; s--) {
      out.append(URL_PATHS[random.nextInt(URL_PATHS.length)]);
    }
    return out.append(URL_TAILS[random.nextInt(URL_TAILS.length)]).toString();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> corpus() throws Exception {
    try (InputStream in =
        SelectorIndexTest.class.getResourceAsStream("/urlpattern/urlpatterntestdata.json")) {
      return JSONArrayUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** The corpus's patterns as one string each (component-form ones written out), with a base. */
  @SuppressWarnings("unchecked")
  private static List<List<String>> corpusPatterns() throws Exception {
    List<List<String>> patterns = new ArrayList<>();
    for (Object raw : corpus()) {
      List<Object> pattern = (List<Object>) ((Map<String, Object>) raw).get("pattern");
      if (pattern.isEmpty()) {
        continue;
      }
      if (pattern.get(0) instanceof String string) {
        String base = pattern.size() > 1 && pattern.get(1) instanceof String b ? b : null;
        patterns.add(base == null ? List.of(string) : List.of(string, base));
      } else if (pattern.get(0) instanceof Map<?, ?> init) {
        patterns.add(
            List.of(
                (init.containsKey("protocol") ? init.get("protocol") : "https")
                    + "://"
                    + (init.containsKey("hostname") ? init.get("hostname") : "example.com")
                    + (init.containsKey("port") ? ":" + init.get("port") : "")
                    + (init.containsKey("pathname") ? init.get("pathname") : "/*")));
      }
    }
    return patterns;
  }

  /** The corpus's URL inputs (component-form ones written out). */
  @SuppressWarnings("unchecked")
  private static Set<String> corpusUrls() throws Exception {
    Set<String> urls = new LinkedHashSet<>();
    for (Object raw : corpus()) {
      List<Object> inputs = (List<Object>) ((Map<String, Object>) raw).get("inputs");
      if (inputs == null || inputs.isEmpty()) {
        continue;
      }
      if (inputs.get(0) instanceof String url) {
        urls.add(url);
      } else if (inputs.get(0) instanceof Map<?, ?> init) {
        urls.add(
            (init.containsKey("protocol") ? init.get("protocol") : "https")
                + "://"
                + (init.containsKey("hostname") ? init.get("hostname") : "example.com")
                + (init.containsKey("port") ? ":" + init.get("port") : "")
                + (init.containsKey("pathname") ? init.get("pathname") : "/"));
      }
    }
    return urls;
  }

  /** The URL pattern, or null when it does not compile (or holds a forbidden character). */
  private static TopicSelector urlPatternOrNull(String raw, String hub) {
    try {
      return TopicSelector.urlPattern(raw, hub);
    } catch (IllegalArgumentException rejected) { // UrlPatternException included
      return null;
    }
  }

  @Test
  void urlPatternsAreFoundAsAScanFindsThem() throws Exception {
    List<TopicSelector> candidates = new ArrayList<>();
    for (List<String> pattern : corpusPatterns()) {
      List<String> hubs = pattern.size() > 1 ? List.of(pattern.get(1)) : HUBS;
      for (String hub : hubs) {
        TopicSelector selector = urlPatternOrNull(pattern.get(0), hub);
        if (selector != null) {
          candidates.add(selector);
        }
      }
    }
    int fromCorpus = candidates.size();
    Random generator = new Random(4);
    while (candidates.size() < fromCorpus + 600) {
      TopicSelector selector =
          urlPatternOrNull(randomPattern(generator), HUBS.get(generator.nextInt(HUBS.size())));
      if (selector != null) {
        candidates.add(selector);
      }
    }
    // Templates and exact selectors share the index: their keys are the topics themselves.
    for (String raw :
        List.of(
            "https://example.com/{path}",
            "https://example.com/foo",
            "{scheme}://example.com/foo",
            "https://example.com/foo{.ext}")) {
      candidates.add(TopicSelector.of(raw));
    }
    List<String> topics = new ArrayList<>(corpusUrls());
    for (int i = 0; i < 400; i++) {
      topics.add(randomUrl(generator));
    }
    assertThat(fromCorpus).as("patterns taken from the corpus").isGreaterThan(150);
    for (long seed = 0; seed < 4; seed++) {
      Random random = new Random(seed);
      SelectorIndex<TopicSelector> index = new SelectorIndex<>();
      Set<TopicSelector> filed = new LinkedHashSet<>();
      int matched = 0;
      for (int step = 0; step < 2_000; step++) {
        int action = random.nextInt(10);
        if (action < 3) {
          TopicSelector selector = candidates.get(random.nextInt(candidates.size()));
          if (filed.add(selector)) {
            index.put(selector, selector);
          }
        } else if (action < 4 && !filed.isEmpty()) {
          TopicSelector victim = new ArrayList<>(filed).get(random.nextInt(filed.size()));
          assertThat(index.remove(victim)).isTrue();
          filed.remove(victim);
        } else {
          String topic = topics.get(random.nextInt(topics.size()));
          Set<TopicSelector> expected = new HashSet<>();
          for (TopicSelector selector : filed) {
            if (selector.matches(topic)) {
              expected.add(selector);
            }
          }
          assertThat(new HashSet<>(index.matching(topic)))
              .as("seed %d, topic %s", seed, topic)
              .isEqualTo(expected);
          assertThat(index.matching(topic)).doesNotHaveDuplicates();
          matched += expected.size();
        }
      }
      assertThat(index.size()).isEqualTo(filed.size());
      assertThat(matched).as("seed %d: the lookups must find matches", seed).isGreaterThan(200);
    }
  }

  /**
   * A thousand patterns, not a hundred thousand: the lookup's work does not depend on the count,
   * and every distinct pattern takes a place in the URL pattern compiler's shared, bounded cache of
   * components, which other tests expect to have room.
   */
  @Test
  void aLookupAmongManyUrlPatternsEvaluatesOnlyThoseItsKeyFits() {
    SelectorIndex<Integer> index = new SelectorIndex<>();
    String hub = HUBS.get(0);
    int held = 1_000;
    for (int n = 0; n < held; n++) {
      index.put(
          TopicSelector.urlPattern(
              n % 2 == 0
                  ? "https://example.com/users/" + n + "/books/:book"
                  : "https://example.com/c" + n + "/*",
              hub),
          n);
    }
    // Relative, and the host in upper case: the key is the resolved, lower-case URL.
    assertThat(index.matching("/users/42/books/7")).containsExactly(42);
    assertThat(index.matching("HTTPS://EXAMPLE.COM/c43/feed")).containsExactly(43);
    assertThat(index.matching("https://example.com/users/43/books/7")).isEmpty();
    assertThat(index.matching("not a URL")).isEmpty();
    // users/4/ and users/42/ are prefixes of the first key; c4 and c43 are not whole prefixes
    // of the second (it holds c43/, and c4 is filed as c4/).
    assertThat(index.evaluations()).isLessThanOrEqualTo(3);
    for (int n = 0; n < held; n++) {
      assertThat(
              index.remove(
                  TopicSelector.urlPattern(
                      n % 2 == 0
                          ? "https://example.com/users/" + n + "/books/:book"
                          : "https://example.com/c" + n + "/*",
                      hub)))
          .isTrue();
    }
    assertThat(index.size()).isZero();
    assertThat(index.matching("/users/42/books/7")).isEmpty();
  }

  @Test
  void patternsWhoseSchemeIsNotFixedStillNeedTheirSuffix() {
    SelectorIndex<String> index = new SelectorIndex<>();
    String hub = HUBS.get(0);
    for (int n = 0; n < 300; n++) {
      index.put(TopicSelector.urlPattern("http{s}?://example.com/:kind/" + n, hub), "n" + n);
    }
    index.put(TopicSelector.urlPattern("*://*/:kind/:id", hub), "every two-segment path");
    long before = index.evaluations();
    assertThat(index.matching("http://example.com/books/7"))
        .containsExactlyInAnyOrder("n7", "every two-segment path");
    // Suffixes /7 and "" only: not the 300 patterns whose prefix is empty as well.
    assertThat(index.evaluations() - before).isEqualTo(2);
  }

  @Test
  void aPatternSharedByTwoHubUrlsIsFiledOncePerHub() {
    SelectorIndex<String> index = new SelectorIndex<>();
    index.put(TopicSelector.urlPattern("/books/:id", "https://a.example/hub"), "a");
    index.put(TopicSelector.urlPattern("/books/:id", "https://b.example/hub"), "b");
    assertThat(index.matching("https://a.example/books/1")).containsExactly("a");
    assertThat(index.matching("/books/1")).containsExactlyInAnyOrder("a", "b");
    assertThat(index.remove(TopicSelector.urlPattern("/books/:id", "https://a.example/hub")))
        .isTrue();
    assertThat(index.matching("/books/1")).containsExactly("b");
  }

  @Test
  void prefixesWhoseHashesCollideAreToldApart() {
    SelectorIndex<String> index = new SelectorIndex<>();
    // "Aa" and "BB" have the same String.hashCode(), so these prefixes collide pairwise.
    List<String> blocks = List.of("AaAa", "AaBB", "BBAa", "BBBB");
    for (String block : blocks) {
      index.put(TopicSelector.of("https://h/" + block + "/{id}"), block);
    }
    for (String block : blocks) {
      assertThat(index.matching("https://h/" + block + "/1")).containsExactly(block);
    }
    assertThat(index.remove(TopicSelector.of("https://h/AaBB/{id}"))).isTrue();
    assertThat(index.matching("https://h/AaBB/1")).isEmpty();
    assertThat(index.matching("https://h/BBBB/1")).containsExactly("BBBB");
  }

  @Test
  void aUrlPatternWrittenLikeATemplateIsFiledApart() {
    SelectorIndex<String> index = new SelectorIndex<>();
    String raw = "https://example.com/books/{id}";
    index.put(TopicSelector.of(raw), "template");
    index.put(TopicSelector.urlPattern(raw, "https://example.com/.well-known/mercure"), "pattern");
    // To the template {id} is a variable; to the URL pattern it is a group holding the text "id".
    assertThat(index.matching("https://example.com/books/1")).containsExactly("template");
    assertThat(index.size()).isEqualTo(2);
  }

  @Test
  void aTemplateWhosePrefixDiffersIsNeverEvaluated() {
    SelectorIndex<String> index = new SelectorIndex<>();
    // A template that would take its whole step budget on the topic below, were it evaluated.
    TopicSelector hostile =
        TopicSelector.of("https://other/" + "{a}{b}{c}{d}{e}{f}".repeat(20) + "!");
    index.put(hostile, "hostile");
    TopicSelector books = TopicSelector.of("https://example.com/books/{id}");
    index.put(books, "books");
    assertThat(index.matching("https://example.com/books/1")).containsExactly("books");
    assertThat(index.matching("https://other/" + "a".repeat(200))).isEmpty();
    assertThat(index.remove(books)).isTrue();
    assertThat(index.matching("https://example.com/books/1")).isEmpty();
    assertThat(index.remove(TopicSelector.of("https://example.com/books/{id}"))).isFalse();
  }

  @Test
  void aSubscriberMatchedTwiceIsOfferedTheEventOnce() {
    SubscriberIndex index = new SubscriberIndex();
    Subscriber subscriber =
        new Subscriber(
            "s",
            List.of(
                TopicSelector.of("https://h/{a}"),
                TopicSelector.of("https://h/{b}"),
                TopicSelector.of("https://h/x")),
            List.of(),
            null,
            PlainSubscriptions.FORMAT,
            64,
            () -> {});
    Subscriber other =
        new Subscriber(
            "o",
            List.of(TopicSelector.of("https://g/{a}")),
            List.of(),
            null,
            PlainSubscriptions.FORMAT,
            64,
            () -> {});
    index.add(subscriber);
    index.add(other);
    Update update = new Update(List.of("https://h/x", "https://h/y"), "d", false, "id", null, null);
    assertThat(index.dispatch(new Event(1, update, new byte[0]))).isEqualTo(1);
    List<String> received = new ArrayList<>();
    subscriber.drainTo(event -> received.add(event.id()), 10);
    assertThat(received).containsExactly("id");
    assertThat(index.remove(subscriber)).isTrue();
    assertThat(index.dispatch(new Event(2, update, new byte[0]))).isZero();
  }
}
