package dev.herald.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.topic.TopicSelector;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The two shapes of active subscriptions: ids, documents and API paths. */
class SubscriptionFormatTest {

  static final String HUB = "https://localhost/.well-known/mercure";
  static final String SUBSCRIBER = "urn:uuid:bb3de268-05b0-4c65-b44e-8f9acefc29d6";

  static ActiveSubscription draft08(TopicSelector selector) {
    return new ActiveSubscription(selector, SUBSCRIBER, null, true, SubscriptionFormat.DRAFT_08);
  }

  @Test
  void theDraft08IdIsTheSpecsExample() {
    ActiveSubscription subscription =
        draft08(TopicSelector.matcher("urlpattern", "https://example.com/:selector", HUB));
    assertThat(subscription.id())
        .isEqualTo(
            "/.well-known/mercure/subscriptions/urlpattern/"
                + "https%3A%2F%2Fexample.com%2F%3Aselector/urn%3Auuid%3Abb3de268-05b0-4c65-b44e-8f9acefc29d6");
    assertThat(subscription.document(false))
        .containsEntry("type", "subscription")
        .containsEntry("match_type", "urlpattern")
        .containsEntry("id", subscription.id());
  }

  @Test
  void valuesAreEncodedExactlyOnceAndDecodeBack() {
    ActiveSubscription encoded = draft08(TopicSelector.matcher("exact", "a%2Fb c+", HUB));
    assertThat(encoded.id()).contains("/exact/a%252Fb%20c%2B/");
    SubscriptionFormat.Lookup lookup = SubscriptionFormat.DRAFT_08.lookup(encoded.id());
    assertThat(lookup.single()).isTrue();
    assertThat(lookup.selects().test(encoded)).isTrue();
    assertThat(lookup.selects().test(draft08(TopicSelector.matcher("exact", "a/b c+", HUB))))
        .isFalse();
  }

  @Test
  void eachFormatSelectsOnlyItsOwnSubscriptions() {
    TopicSelector topic = TopicSelector.of("https://example.com/a");
    ActiveSubscription as07 =
        new ActiveSubscription(topic, SUBSCRIBER, null, true, SubscriptionFormat.DRAFT_07);
    ActiveSubscription as08 = draft08(topic);
    String collection = ActiveSubscription.COLLECTION_PATH;
    assertThat(SubscriptionFormat.DRAFT_08.lookup(collection).selects().test(as07)).isFalse();
    assertThat(SubscriptionFormat.DRAFT_08.lookup(collection).selects().test(as08)).isTrue();
    assertThat(SubscriptionFormat.DRAFT_07.lookup(collection + "/").selects().test(as07)).isTrue();
    assertThat(SubscriptionFormat.DRAFT_07.lookup(as07.id()).selects().test(as08)).isFalse();
  }

  @Test
  void pathsNamingNoResourceAndBadEscapesAreRefused() {
    String collection = ActiveSubscription.COLLECTION_PATH;
    assertThatThrownBy(() -> SubscriptionFormat.DRAFT_08.lookup(collection + "/exact"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> SubscriptionFormat.DRAFT_08.lookup(collection + "/regexp/x"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("[exact, urlpattern]");
    assertThatThrownBy(() -> SubscriptionFormat.DRAFT_07.lookup(collection + "/a/b/c"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> SubscriptionFormat.DRAFT_08.lookup(collection + "/exact//x"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> SubscriptionFormat.DRAFT_08.lookup(collection + "/exact/%zz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("%zz");
    assertThatThrownBy(() -> SubscriptionFormat.DRAFT_08.lookup(collection + "/exact/%C3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void theDraft08CursorIsAQuotedLinkAttribute() {
    assertThat(SubscriptionFormat.DRAFT_08.link("urn:a\"b"))
        .isEqualTo(
            "</.well-known/mercure>; rel=\"mercure\"; last-event-id=\"urn:a\\\"b\";"
                + " type=\"mercure\"; content-type=\"application/json\"");
  }
}
