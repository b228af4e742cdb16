package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.herald.core.property.HostileText;
import dev.herald.core.property.PropertyCases;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of {@link Update} validation over generated forms: under the draft-07 rules every form
 * either becomes an update that holds the protocol's invariants or is refused with a one-line
 * {@code BAD_REQUEST} naming a field, exactly when an independent reading of the rules says it must
 * be. The forms are public: the server's test of the draft-08 rules compares them to these.
 */
public class UpdatePropertiesTest {

  private static final List<String> FIELDS =
      List.of("topic", "data", "id", "type", "retry", "private");
  private static final List<String> TRICKY_VALUES =
      List.of(
          "", "earliest", "#1", "0", "100", "-1", "+7", "99999999999999999999", "\u0663", "1\n2");

  /** Generated publish forms, tricky values included; the same ones on every run. */
  public static Stream<Named<Map<String, List<String>>>> forms() {
    return PropertyCases.of("update-from-form", 1_000, UpdatePropertiesTest::form);
  }

  @ParameterizedTest
  @MethodSource("forms")
  void aFormIsAcceptedExactlyWhenTheRulesAllowIt(Map<String, List<String>> form) {
    List<String> problems = problems(form);
    Throwable thrown =
        catchThrowable(
            () -> {
              Update update = Update.fromForm(form);
              assertThat(problems).as("accepted despite problems with").isEmpty();
              assertThat(update.topics()).isEqualTo(form.get("topic"));
              assertThat(update.data())
                  .isEqualTo(single(form, "data") == null ? "" : single(form, "data"));
              assertThat(update.isPrivate()).isEqualTo(form.containsKey("private"));
              assertThat(update.id()).isEqualTo(single(form, "id"));
              String type = single(form, "type");
              assertThat(update.type()).isEqualTo(type == null || type.isEmpty() ? null : type);
              String retry = single(form, "retry");
              assertThat(update.retry()).isEqualTo(retry == null ? null : Long.valueOf(retry));
            });
    if (thrown instanceof AssertionError failed) {
      throw failed;
    }
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(HubException.class);
      HubException error = (HubException) thrown;
      assertThat(error.kind()).isEqualTo(HubException.Kind.BAD_REQUEST);
      assertThat(problems)
          .as("refused (%s) though the rules allow it", error.getMessage())
          .isNotEmpty();
      assertThat(error.getMessage()).doesNotContain("\r", "\n");
      assertThat(problems.stream().anyMatch(field -> error.getMessage().startsWith(field + ":")))
          .as("'%s' names one of %s", error.getMessage(), problems)
          .isTrue();
    }
  }

  @Test
  void theFormsExerciseBothOutcomes() {
    List<Map<String, List<String>>> sample = forms().map(Named::getPayload).limit(400).toList();
    long accepted = sample.stream().filter(form -> problems(form).isEmpty()).count();
    assertThat(accepted).as("accepted of %s", sample.size()).isBetween(40L, 360L);
  }

  /** The fields the rules refuse, read from the protocol rather than from {@link Update}. */
  private static List<String> problems(Map<String, List<String>> form) {
    List<String> problems = new ArrayList<>();
    for (String field : List.of("data", "id", "type", "retry")) {
      if (form.getOrDefault(field, List.of()).size() > 1) {
        problems.add(field);
      }
    }
    List<String> topics = form.getOrDefault("topic", List.of());
    if (topics.isEmpty() || topics.contains("")) {
      problems.add("topic");
    }
    String id = single(form, "id");
    if (id != null
        && (hasLineBreak(id) || id.isEmpty() || id.startsWith("#") || id.equals("earliest"))) {
      problems.add("id");
    }
    String type = single(form, "type");
    if (type != null && hasLineBreak(type)) {
      problems.add("type");
    }
    String retry = single(form, "retry");
    if (retry != null && !isMilliseconds(retry)) {
      problems.add("retry");
    }
    return problems;
  }

  /** A signed decimal in ASCII digits that fits a long and is not negative: milliseconds. */
  private static boolean isMilliseconds(String retry) {
    if (!retry.matches("[+-]?[0-9]+")) {
      return false;
    }
    BigInteger value = new BigInteger(retry);
    return value.signum() >= 0 && value.bitLength() < 64;
  }

  private static boolean hasLineBreak(String value) {
    return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0;
  }

  private static String single(Map<String, List<String>> form, String field) {
    List<String> values = form.getOrDefault(field, List.of());
    return values.size() == 1 ? values.get(0) : null;
  }

  private static Map<String, List<String>> form(Random random) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (String field : FIELDS) {
      if (random.nextInt(3) > 0) {
        form.put(
            field,
            values(random, field, field.equals("topic") ? 4 : random.nextInt(8) == 0 ? 2 : 1));
      }
    }
    if (random.nextInt(4) == 0) {
      form.put(HostileText.string(random, 8), values(random, "", 2));
    }
    return form;
  }

  private static List<String> values(Random random, String field, int max) {
    int count = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(max);
    List<String> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(
          switch (random.nextInt(3)) {
            case 0 -> TRICKY_VALUES.get(random.nextInt(TRICKY_VALUES.size()));
            case 1 -> HostileText.string(random, 200);
            // plausible: what a publisher means to send, so that half the forms pass
            default ->
                field.equals("retry")
                    ? HostileText.from(random, "0123456789", 19)
                    : HostileText.string(random, 200).replaceAll("[\r\n\0]", "");
          });
    }
    return values;
  }
}
