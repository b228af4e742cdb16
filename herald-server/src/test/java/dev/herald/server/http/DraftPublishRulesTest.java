package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.HubException;
import dev.herald.core.PublishRules;
import dev.herald.core.Update;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The publish rules of each protocol draft's dialect, one table row per spec case. */
class DraftPublishRulesTest {

  private static final String HUB = "https://hub.example.com/.well-known/mercure";
  private static final PublishRules DRAFT_07 = Draft07.PUBLISH_RULES;
  private static final PublishRules DRAFT_08 = new Draft08PublishRules(HUB);

  private static Map<String, List<String>> form(String... namesAndValues) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      form.computeIfAbsent(namesAndValues[i], name -> new java.util.ArrayList<>())
          .add(namesAndValues[i + 1]);
    }
    return form;
  }

  private static void assertBadRequest(
      PublishRules rules, Map<String, List<String>> form, String messageStart) {
    assertThatThrownBy(() -> rules.toUpdate(form))
        .isInstanceOfSatisfying(
            HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.BAD_REQUEST))
        .hasMessageStartingWith(messageStart)
        .hasMessageContaining("(expected: ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "*",
        "/.well-known/mercure",
        "/.well-known/mercure/",
        "/.well-known/mercure/subscriptions/exact/t/s",
        "https://hub.example.com/.well-known/mercure/subscriptions/exact/t/s",
        // Regardless of scheme and authority: only the path counts.
        "https://other.example/.well-known/mercure/x",
        "ws://hub.example.com:9000/.well-known/mercure",
        // Normalized first: percent-encoded unreserved characters, dot segments, relative forms.
        "/.well-known/%6Dercure/x",
        "/.well-known/%6d%65rcure",
        "/%2Ewell-known/mercure",
        "/.well-known/mercure/../mercure/x",
        "/.well-known/x/../mercure",
        "/.well-known/%2E%2E/.well-known/mercure",
        "mercure/x",
        "./mercure",
        "https://hub.example.com/a/b/../../.well-known/mercure",
      })
  void draft08RejectsTheWildcardTopicAndTopicsInTheReservedNamespace(String topic) {
    assertBadRequest(DRAFT_08, form("topic", topic), "topic: ");
    assertBadRequest(DRAFT_08, form("topic", "https://example.com/ok", "topic", topic), "topic: ");
    assertThat(DRAFT_07.toUpdate(form("topic", topic)).topics())
        .as("draft-07 allows it")
        .containsExactly(topic);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.com/books/1",
        "/.well-known/mercurex",
        "/.well-known/MERCURE/x",
        "/.well-known/mercure%2Fsubscriptions",
        "/.well-known",
        "mercurex",
        "urn:isbn:0451450523",
        "**",
        "http://[::1",
        "caf\u00e9",
      })
  void draft08AcceptsOtherTopics(String topic) {
    assertThat(DRAFT_08.toUpdate(form("topic", topic)).topics()).containsExactly(topic);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "topic | a\u0001b",
        "topic | a\u007fb",
        "topic | a\u0085b",
        "topic | a\u200bb",
        "topic | a\u202eb",
        "topic | a\ud800b",
        "id    | earliest",
        "id    | #fragment",
        "id    | a\u0009b",
        "id    | a\u009fb",
        "id    | a\u200eb",
        "id    | a\ufeffb",
        "type  | mercure",
        "type  | a\u0007b",
        "type  | a\u2066b",
        "retry | +5",
        "retry | -1",
        "retry | 1e3",
        "retry | ' 5'",
        "retry | 5.0",
        "retry | \u0661",
        "retry | 99999999999999999999",
      })
  void draft08RejectsEachForbiddenValue(String field, String value) {
    Map<String, List<String>> form = form("topic", "https://example.com/t");
    form.merge(field, List.of(value), (a, b) -> List.of(value));
    assertBadRequest(DRAFT_08, form, field + ": ");
  }

  @Test
  void draft07KeepsItsOwnRules() {
    Update update =
        DRAFT_07.toUpdate(form("topic", "*", "id", "a\u200bb", "type", "mercure", "retry", "+5"));
    assertThat(update).isEqualTo(new Update(List.of("*"), "", false, "a\u200bb", "mercure", 5L));
    assertBadRequest(DRAFT_07, form("topic", "t", "id", "earliest"), "id: ");
    assertBadRequest(DRAFT_07, form("topic", "t", "id", "a\nb"), "id: ");
    assertBadRequest(DRAFT_07, form("topic", "t", "retry", "-1"), "retry: ");
    assertBadRequest(DRAFT_07, form("topic", "t", "retry", "soon"), "retry: ");
    assertThat(Update.fromForm(form("topic", "*", "type", "mercure")).type())
        .as("draft-07 is Update.fromForm")
        .isEqualTo("mercure");
  }

  @Test
  void draft08AcceptsAFullUpdateAndIgnoresUnknownFields() {
    Update update =
        DRAFT_08.toUpdate(
            form(
                "topic",
                "https://example.com/books/1",
                "topic",
                "/books/1",
                "data",
                "d",
                "private",
                "",
                "id",
                "urn:uuid:e1ee88e2-532a-4d6f-ba70-f0f8bd584022",
                "type",
                "book",
                "retry",
                "0012",
                "future",
                "x",
                "match",
                "y"));
    assertThat(update)
        .isEqualTo(
            new Update(
                List.of("https://example.com/books/1", "/books/1"),
                "d",
                true,
                "urn:uuid:e1ee88e2-532a-4d6f-ba70-f0f8bd584022",
                "book",
                12L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"data", "id", "type", "retry"})
  void bothDraftsRejectASingleValuedFieldGivenTwice(String field) {
    for (PublishRules rules : List.of(DRAFT_07, DRAFT_08)) {
      assertBadRequest(
          rules, form("topic", "t", field, "1", field, "2"), field + ": given 2 times");
    }
  }

  @Test
  void bothDraftsRequireATopic() {
    for (PublishRules rules : List.of(DRAFT_07, DRAFT_08)) {
      assertBadRequest(rules, form("data", "x"), "topic: missing");
      assertBadRequest(rules, form("topic", ""), "topic: empty");
    }
  }

  @Test
  void theReservedNamespaceFollowsTheHubUrl() {
    PublishRules custom = new Draft08PublishRules("https://example.com/hub");
    assertBadRequest(custom, form("topic", "/hub/subscriptions/x"), "topic: ");
    assertBadRequest(custom, form("topic", "hub"), "topic: ");
    assertThat(custom.toUpdate(form("topic", "/.well-known/mercure/x")).topics())
        .containsExactly("/.well-known/mercure/x");
    assertThat(custom.toUpdate(form("topic", "/hubs")).topics()).containsExactly("/hubs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/.well-known/mercure", "not a url", "urn:x"})
  void theHubUrlMustBeAbsoluteWithAHost(String hubUrl) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Draft08PublishRules(hubUrl))
        .withMessageStartingWith("hub URL: ");
  }

  @Test
  void draft08QuotesABadRetryOnOneLineToo() {
    assertThatThrownBy(
            () -> DRAFT_08.toUpdate(Map.of("topic", List.of("t"), "retry", List.of("1\n2"))))
        .isInstanceOf(HubException.class)
        .hasMessage("retry: '1\\n2' (expected: ASCII digits, a number of milliseconds)");
  }

  /** Over core's generated forms: what draft-08 accepts, draft-07 reads the same. */
  @ParameterizedTest
  @MethodSource("dev.herald.core.UpdatePropertiesTest#forms")
  void draft08AcceptsOnlyWhatDraft07DoesAndRefusesOnOneLine(Map<String, List<String>> form) {
    Update strict;
    try {
      strict = DRAFT_08.toUpdate(form);
    } catch (HubException refused) {
      assertThat(refused.kind()).isEqualTo(HubException.Kind.BAD_REQUEST);
      assertThat(refused.getMessage())
          .doesNotContain("\r", "\n")
          .matches("(?s)(topic|data|id|type|retry): .*");
      return;
    }
    assertThat(Update.fromForm(form)).isEqualTo(strict);
  }
}
