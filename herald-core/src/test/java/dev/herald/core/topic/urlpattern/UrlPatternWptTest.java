package dev.herald.core.topic.urlpattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONArrayUtils;
import dev.herald.core.topic.urlpattern.UrlPattern.ComponentResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the web-platform-tests URL Pattern corpus ({@code urlpattern/urlpatterntestdata.json}, see
 * its LICENSE.md): one test per entry, checking construction errors, the normalized component
 * pattern strings, whether each input matches, and every component's input and groups, including
 * the {@code exactly_empty_components} rule for components the expectation leaves out.
 *
 * <p>Six entries are skipped, each for a reason {@link #skipReason} names: one calls a JavaScript
 * overload Herald has no use for ({@code exec(init, baseURL)}); four use the {@code v} flag's class
 * set operations, which RE2 reads as literals; one expects a group JavaScript leaves undefined
 * where RE2 captures the empty string.
 */
class UrlPatternWptTest {

  static List<Object> corpus() throws IOException, java.text.ParseException {
    try (InputStream in =
        UrlPatternWptTest.class.getResourceAsStream("/urlpattern/urlpatterntestdata.json")) {
      return JSONArrayUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static Stream<Arguments> entries() throws Exception {
    List<Object> corpus = corpus();
    return IntStream.range(0, corpus.size())
        .mapToObj(i -> Arguments.of(i, describe(corpus.get(i)), corpus.get(i)));
  }

  @ParameterizedTest(name = "[{0}] {1}")
  @MethodSource("entries")
  @SuppressWarnings("unchecked")
  void entry(int index, String description, Object raw) {
    Map<String, Object> entry = (Map<String, Object>) raw;
    String skip = skipReason(entry);
    Assumptions.assumeTrue(skip == null, skip);
    List<Object> pattern = (List<Object>) entry.get("pattern");
    Object expectedObj = entry.get("expected_obj");
    if ("error".equals(expectedObj)) {
      assertThatThrownBy(() -> construct(pattern)).isInstanceOf(UrlPatternException.class);
      return;
    }
    UrlPattern compiled = construct(pattern);
    if (expectedObj instanceof Map<?, ?> components) {
      components.forEach(
          (name, value) ->
              assertThat(compiled.component((String) name))
                  .as("pattern's %s", name)
                  .isEqualTo(value));
    }
    List<Object> inputs = (List<Object>) entry.get("inputs");
    if (inputs == null) {
      return;
    }
    Object expectedMatch = entry.get("expected_match");
    Optional<Map<String, ComponentResult>> result = exec(compiled, inputs);
    if (expectedMatch == null) {
      assertThat(result).as("match of %s", inputs).isEmpty();
      if (!inputs.isEmpty() && inputs.get(0) instanceof String url) {
        assertThat(compiled.test(url, inputs.size() > 1 ? (String) inputs.get(1) : null)).isFalse();
      }
      return;
    }
    assertThat(result).as("match of %s", inputs).isPresent();
    if (!inputs.isEmpty() && inputs.get(0) instanceof String url) {
      assertThat(compiled.test(url, inputs.size() > 1 ? (String) inputs.get(1) : null)).isTrue();
    }
    Map<String, Object> expected = (Map<String, Object>) expectedMatch;
    List<Object> exactlyEmpty =
        (List<Object>) entry.getOrDefault("exactly_empty_components", List.of());
    for (String name : UrlPattern.COMPONENTS) {
      Map<String, Object> component = (Map<String, Object>) expected.get(name);
      String expectedInput = "";
      Map<String, Object> expectedGroups = exactlyEmpty.contains(name) ? Map.of() : Map.of("0", "");
      if (component != null) {
        expectedInput = (String) component.get("input");
        expectedGroups = (Map<String, Object>) component.get("groups");
      }
      ComponentResult actual = result.get().get(name);
      assertThat(actual.input()).as("%s input", name).isEqualTo(expectedInput);
      assertThat(actual.groups())
          .as("%s groups", name)
          .isEqualTo(new LinkedHashMap<>(expectedGroups));
    }
  }

  private static final String SET_OPERATIONS =
      "regexp class set operations (-- and &&) of the JavaScript v flag; RE2 reads them as literals";

  /**
   * Entries, by their pattern argument, whose expectation depends on JavaScript's regexp engine.
   */
  private static final Map<String, String> SKIPPED_PATTERNS =
      Map.of(
          "[{pathname=/([[a-z]--a])}]", SET_OPERATIONS,
          "[{pathname=/([\\d&&[0-1]])}]", SET_OPERATIONS,
          // "^(.*)(.*)?$": JavaScript rejects an optional iteration that matches the empty string,
          // so
          // the second group stays undefined; RE2 captures "". Whether the URL matches is the same.
          "[{pathname=*{}**?}]",
              "group 1 is undefined in JavaScript, \"\" in RE2 (empty iteration)");

  /** Why an entry cannot apply to Herald, or null when it runs. */
  @SuppressWarnings("unchecked")
  static String skipReason(Map<String, Object> entry) {
    List<Object> inputs = (List<Object>) entry.get("inputs");
    if ("error".equals(entry.get("expected_match"))) {
      // The JavaScript overload exec(init, baseURL) throws; Herald has no such overload.
      return "exec(URLPatternInit, baseURL) is a JavaScript overload Herald does not expose";
    }
    if (inputs != null && inputs.size() > 1 && inputs.get(0) instanceof Map) {
      return "exec(URLPatternInit, baseURL) is a JavaScript overload Herald does not expose";
    }
    return SKIPPED_PATTERNS.get(entry.get("pattern").toString());
  }

  @SuppressWarnings("unchecked")
  static UrlPattern construct(List<Object> pattern) {
    if (pattern.isEmpty()) {
      return UrlPattern.compile(UrlPatternInit.EMPTY, false);
    }
    if (pattern.size() == 3 && !(pattern.get(1) instanceof String)) {
      // new URLPattern(input, options, baseURL): JavaScript reads the options as the base URL.
      throw new UrlPatternException("options given where the base URL goes");
    }
    String base = null;
    boolean ignoreCase = false;
    for (Object argument : pattern.subList(1, pattern.size())) {
      if (argument instanceof String s) {
        base = s;
      } else if (argument instanceof Map<?, ?> options) {
        ignoreCase = Boolean.TRUE.equals(options.get("ignoreCase"));
      }
    }
    if (pattern.get(0) instanceof String string) {
      return UrlPattern.compile(string, base, ignoreCase);
    }
    if (base != null) {
      // The standard's TypeError for a base URL given beside a URLPatternInit.
      throw new UrlPatternException("base URL given with a URLPatternInit");
    }
    return UrlPattern.compile(init((Map<String, Object>) pattern.get(0)), ignoreCase);
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, ComponentResult>> exec(
      UrlPattern pattern, List<Object> inputs) {
    if (inputs.isEmpty()) {
      return pattern.exec(UrlPatternInit.EMPTY);
    }
    if (inputs.get(0) instanceof String url) {
      return pattern.exec(url, inputs.size() > 1 ? (String) inputs.get(1) : null);
    }
    return pattern.exec(init((Map<String, Object>) inputs.get(0)));
  }

  private static UrlPatternInit init(Map<String, Object> map) {
    UrlPatternInit init = UrlPatternInit.EMPTY;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (!e.getKey().equals("ignoreCase")) {
        init = init.with(e.getKey(), (String) e.getValue());
      }
    }
    return init;
  }

  private static String describe(Object entry) {
    Object pattern = ((Map<?, ?>) entry).get("pattern");
    Object inputs = ((Map<?, ?>) entry).get("inputs");
    String text = pattern + (inputs == null ? "" : " ~ " + inputs);
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }
}
