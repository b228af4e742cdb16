package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionCursor;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.presence.PresenceEntry;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.http.SubscriptionFormats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A subscription written by one node and read by another shows in both protocols' shapes exactly as
 * on its own node: the same id (the topic of its events) and document.
 */
class PresenceCodecTest {

  private static final String HUB = "https://hub.example.com/.well-known/mercure";
  private static final PresenceCodec CODEC = new PresenceCodec(SubscriptionFormats.ALL);

  private static void roundTrips(
      TopicSelector selector, Object payload, SubscriptionFormat format) {
    PresenceEntry entry =
        new PresenceEntry(
            new SubscriptionCursor("urn:uuid:a", 42, 1),
            new ActiveSubscription(selector, "urn:uuid:a", payload, true, format));
    PresenceEntry read = CODEC.decode(PresenceCodec.encode(entry), true);
    assertThat(read.position()).isEqualTo(entry.position());
    assertThat(read.subscription().id()).isEqualTo(entry.subscription().id());
    // As JSON: a number read back is a Long, whatever it was written from.
    assertThat(read.subscription().toJson()).isEqualTo(entry.subscription().toJson());
    assertThat(CODEC.decode(PresenceCodec.encode(entry), false).subscription().active()).isFalse();
  }

  @Test
  void draft07SelectorsOfEveryKindRoundTrip() {
    roundTrips(
        TopicSelector.of("https://example.com/books/{id}"), null, SubscriptionFormats.DRAFT_07);
    roundTrips(
        TopicSelector.of("https://example.com/books/1"),
        Map.of("user", "alice"),
        SubscriptionFormats.DRAFT_07);
    roundTrips(TopicSelector.of("*"), List.of(1, "two"), SubscriptionFormats.DRAFT_07);
  }

  @Test
  void draft08MatchersKeepTheirType() {
    roundTrips(
        TopicSelector.urlPattern("https://example.com/books/:id", HUB),
        null,
        SubscriptionFormats.DRAFT_08);
    roundTrips(
        TopicSelector.exact("https://example.com/books/1"), "p", SubscriptionFormats.DRAFT_08);
  }

  @Test
  void anEntryOfAFormatTheNodeDoesNotSpeakIsRefused() {
    String entry =
        "{\"c\":\""
            + new SubscriptionCursor("urn:uuid:a", 1, 0).encode()
            + "\",\"f\":\"09\",\"k\":\"EXACT\",\"t\":\"t\",\"s\":\"urn:uuid:a\"}";
    assertThatThrownBy(() -> CODEC.decode(entry, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format 09 (expected: one of [07, 08])");
  }

  @Test
  void somethingElseIsRefusedWithAReason() {
    assertThatThrownBy(() -> CODEC.decode("{\"t\":1}", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a presence entry");
    assertThatThrownBy(() -> CODEC.decode("not json", true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
