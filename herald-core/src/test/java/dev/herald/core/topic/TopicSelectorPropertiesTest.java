package dev.herald.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.herald.core.property.HostileText;
import dev.herald.core.property.PropertyCases;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of topic selectors and URI templates: any text is a selector that matches itself; any
 * text either compiles as a template or is refused with the typed error; and every expansion of a
 * generated RFC 6570 template, computed here by the RFC's own algorithm, is matched by it.
 */
class TopicSelectorPropertiesTest {

  private static final String[] OPERATORS = {"", "+", "#", ".", "/", ";", "?", "&"};
  private static final String UNRESERVED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  private static final String RESERVED = ":/?#[]@!$&'()*+,;=";

  /** Characters of generated values: the RFC's two sets plus ones only an encoding can carry. */
  private static final String VALUE_CHARS = UNRESERVED + RESERVED + " %\"<>é€中\u00a0";

  private static final String LITERAL_CHARS = "abcxyz019/:.-_~";

  /** A generated template and one of its expansions. */
  record Expansion(String template, String expanded) {}

  static Stream<Named<String>> selectorTexts() {
    return PropertyCases.of(
        "selector-text",
        1_000,
        random -> {
          String text =
              random.nextBoolean() ? HostileText.anyString(random, 80) : templateLike(random);
          return text.isEmpty() ? "x" : text;
        });
  }

  static Stream<Named<String>> templateTexts() {
    return PropertyCases.of("template-text", 1_000, TopicSelectorPropertiesTest::templateLike);
  }

  static Stream<Named<Expansion>> expansions() {
    return PropertyCases.of("template-expansion", 1_000, TopicSelectorPropertiesTest::expansion);
  }

  @ParameterizedTest
  @MethodSource("selectorTexts")
  void anyTextIsASelectorMatchingItself(String text) {
    TopicSelector selector = TopicSelector.of(text);
    assertThat(selector.raw()).isEqualTo(text);
    assertThat(selector.matches(text)).isTrue();
    // Matching arbitrary topics must answer, never throw.
    selector.matches(text + "/" + text);
    selector.matches(new StringBuilder(text).reverse().toString());
  }

  @ParameterizedTest
  @MethodSource("templateTexts")
  void aTemplateCompilesOrIsRefusedWithItsTypedError(String text) {
    Throwable thrown = catchThrowable(() -> UriTemplate.parse(text).matches(text));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage()).startsWith("uri template \"").contains("(expected: ");
    }
  }

  @ParameterizedTest
  @MethodSource("expansions")
  void everyExpansionMatchesItsTemplate(Expansion expansion) {
    UriTemplate template = UriTemplate.parse(expansion.template());
    assertThat(template.matches(expansion.expanded()))
        .as("%s expanded to %s", expansion.template(), expansion.expanded())
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("expansions")
  void aRawSpaceInAnExpansionBreaksTheMatch(Expansion expansion) {
    // No expansion holds a raw space: values encode it and generated literals have none.
    String expanded = expansion.expanded();
    int at = new Random(expanded.hashCode()).nextInt(expanded.length() + 1);
    String broken = expanded.substring(0, at) + " " + expanded.substring(at);
    assertThat(UriTemplate.parse(expansion.template()).matches(broken)).as(broken).isFalse();
  }

  @Test
  void theTemplateTextsExerciseBothOutcomes() {
    List<String> sample = templateTexts().map(Named::getPayload).limit(400).toList();
    long compiled =
        sample.stream()
            .filter(
                text -> {
                  try {
                    UriTemplate.parse(text);
                    return true;
                  } catch (IllegalArgumentException refused) {
                    return false;
                  }
                })
            .count();
    assertThat(compiled).as("compiled of %s", sample.size()).isBetween(40L, 360L);
  }

  /** Text that is mostly template syntax, often invalid. */
  private static String templateLike(Random random) {
    StringBuilder out = new StringBuilder();
    int parts = random.nextInt(6);
    for (int i = 0; i < parts; i++) {
      switch (random.nextInt(4)) {
        case 0 -> out.append(HostileText.string(random, 10));
        case 1 -> out.append(HostileText.from(random, "{}{}+#./;?&=,*:!@|%0123456789abAZ_.", 12));
        default -> {
          out.append('{').append(OPERATORS[random.nextInt(OPERATORS.length)]);
          out.append(HostileText.from(random, "abz_.%41*:0123456789,", 10));
          if (random.nextInt(5) > 0) {
            out.append('}');
          }
        }
      }
    }
    return out.toString();
  }

  private static Expansion expansion(Random random) {
    StringBuilder template = new StringBuilder();
    StringBuilder expanded = new StringBuilder();
    Map<String, String> values = new HashMap<>();
    int parts = 1 + random.nextInt(4);
    for (int i = 0; i < parts; i++) {
      if (random.nextInt(3) == 0) {
        String literal = HostileText.from(random, LITERAL_CHARS, 6);
        template.append(literal);
        expanded.append(literal);
        continue;
      }
      String operator = OPERATORS[random.nextInt(OPERATORS.length)];
      List<String> specs = new ArrayList<>();
      int variables = 1 + random.nextInt(3);
      for (int v = 0; v < variables; v++) {
        String name = HostileText.from(random, "abxy", 2) + "v";
        if (!values.containsKey(name)) {
          values.put(
              name, random.nextInt(4) == 0 ? null : HostileText.from(random, VALUE_CHARS, 12));
        }
        specs.add(
            switch (random.nextInt(4)) {
              case 0 -> name + "*";
              case 1 -> name + ":" + (1 + random.nextInt(12));
              default -> name;
            });
      }
      template.append('{').append(operator).append(String.join(",", specs)).append('}');
      expanded.append(expand(operator, specs, values));
    }
    return new Expansion(template.toString(), expanded.toString());
  }

  /** RFC 6570 section 3.2.1 for string values (explode changes nothing for strings). */
  private static String expand(String operator, List<String> specs, Map<String, String> values) {
    String first =
        switch (operator) {
          case "", "+" -> "";
          default -> operator;
        };
    String separator =
        switch (operator) {
          case "", "+", "#" -> ",";
          case "?", "&" -> "&";
          default -> operator;
        };
    boolean named = operator.equals(";") || operator.equals("?") || operator.equals("&");
    boolean allowReserved = operator.equals("+") || operator.equals("#");
    StringBuilder out = new StringBuilder();
    for (String spec : specs) {
      int colon = spec.indexOf(':');
      String name = colon >= 0 ? spec.substring(0, colon) : spec.replace("*", "");
      String value = values.get(name);
      if (value == null) {
        continue;
      }
      if (colon >= 0) {
        int max = Integer.parseInt(spec.substring(colon + 1));
        int codePoints = value.codePointCount(0, value.length());
        value = value.substring(0, value.offsetByCodePoints(0, Math.min(max, codePoints)));
      }
      out.append(out.isEmpty() ? first : separator);
      String encoded = encode(value, allowReserved);
      if (named) {
        out.append(name);
        if (!encoded.isEmpty() || !operator.equals(";")) {
          out.append('=');
        }
      }
      out.append(encoded);
    }
    return out.toString();
  }

  private static String encode(String value, boolean allowReserved) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); ) {
      int codePoint = value.codePointAt(i);
      int width = Character.charCount(codePoint);
      char c = value.charAt(i);
      boolean triplet =
          c == '%'
              && i + 2 < value.length()
              && Character.digit(value.charAt(i + 1), 16) >= 0
              && Character.digit(value.charAt(i + 2), 16) >= 0
              && value.charAt(i + 1) < 0x80
              && value.charAt(i + 2) < 0x80;
      if (width == 1 && (UNRESERVED.indexOf(c) >= 0 || allowReserved && RESERVED.indexOf(c) >= 0)) {
        out.append(c);
      } else if (allowReserved && triplet) {
        out.append(value, i, i + 3);
        i += 3;
        continue;
      } else {
        for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
          out.append(String.format("%%%02X", b & 0xff));
        }
      }
      i += width;
    }
    return out.toString();
  }
}
