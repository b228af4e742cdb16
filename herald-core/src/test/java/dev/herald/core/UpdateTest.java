package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpdateTest {

  @Test
  void readsEveryFormField() {
    Update update =
        Update.fromForm(
            Map.of(
                "topic", List.of("https://example.com/a", "https://example.com/alt"),
                "data", List.of("d"),
                "private", List.of(""),
                "id", List.of("urn:x"),
                "type", List.of("t"),
                "retry", List.of("100")));
    assertThat(update)
        .isEqualTo(
            new Update(
                List.of("https://example.com/a", "https://example.com/alt"),
                "d",
                true,
                "urn:x",
                "t",
                100L));
    assertThat(update.canonicalTopic()).isEqualTo("https://example.com/a");
  }

  @Test
  void privateIsSetByPresenceWhateverItsValue() {
    assertThat(
            Update.fromForm(Map.of("topic", List.of("t"), "private", List.of("off"))).isPrivate())
        .isTrue();
    assertThat(Update.fromForm(Map.of("topic", List.of("t"))).isPrivate()).isFalse();
  }

  @Test
  void missingTopicIsRejected() {
    assertThatThrownBy(() -> Update.fromForm(Map.of("data", List.of("x"))))
        .isInstanceOfSatisfying(
            HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.BAD_REQUEST))
        .hasMessageContaining("topic: missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb", "a\rb", "a\0b"})
  void lineBreaksInIdAreRejected(String id) {
    assertThatThrownBy(() -> new Update(List.of("t"), "", false, id, null, null))
        .isInstanceOf(HubException.class)
        .hasMessage("id: contains CR, LF or NUL (expected: one line)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb", "a\rb", "a\0b"})
  void lineBreaksInTypeAreRejected(String type) {
    assertThatThrownBy(() -> new Update(List.of("t"), "", false, null, type, null))
        .isInstanceOf(HubException.class)
        .hasMessageStartingWith("type: contains CR, LF or NUL");
  }

  @Test
  void idStartingWithHashIsRejected() {
    assertThatThrownBy(() -> new Update(List.of("t"), "", false, "#1", null, null))
        .isInstanceOf(HubException.class)
        .hasMessage("id: #1 (expected: an IRI not starting with #)");
  }

  @Test
  void reservedEarliestIdIsRejected() {
    assertThatThrownBy(() -> new Update(List.of("t"), "", false, "earliest", null, null))
        .isInstanceOf(HubException.class);
  }

  @Test
  void nonNumericRetryIsRejected() {
    assertThatThrownBy(
            () -> Update.fromForm(Map.of("topic", List.of("t"), "retry", List.of("soon"))))
        .isInstanceOf(HubException.class)
        .hasMessage("retry: soon (expected: a number of milliseconds)");
  }

  @Test
  void retryInOtherDigitsIsRejectedOnOneLine() {
    // Found by UpdatePropertiesTest: U+0663 was read as 3, and a CR/LF split the message.
    assertThatThrownBy(
            () -> Update.fromForm(Map.of("topic", List.of("t"), "retry", List.of("\u0663"))))
        .isInstanceOf(HubException.class)
        .hasMessage("retry: \u0663 (expected: a number of milliseconds)");
    assertThatThrownBy(
            () -> Update.fromForm(Map.of("topic", List.of("t"), "retry", List.of("1\r\n2"))))
        .isInstanceOf(HubException.class)
        .hasMessage("retry: 1\\r\\n2 (expected: a number of milliseconds)");
  }

  @Test
  void negativeRetryIsRejected() {
    assertThatThrownBy(() -> Update.fromForm(Map.of("topic", List.of("t"), "retry", List.of("-1"))))
        .isInstanceOf(HubException.class);
  }

  @Test
  void repeatedSingleFieldIsRejected() {
    assertThatThrownBy(
            () -> Update.fromForm(Map.of("topic", List.of("t"), "data", List.of("a", "b"))))
        .isInstanceOf(HubException.class)
        .hasMessage("data: given 2 times (expected: once)");
  }

  @Test
  void generatedIdsAreUuidV7Urns() {
    String id = EventIds.next();
    assertThat(id)
        .matches("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(EventIds.next()).isNotEqualTo(id);
  }
}
