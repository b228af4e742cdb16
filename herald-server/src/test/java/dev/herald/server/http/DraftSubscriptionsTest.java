package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.topic.TopicSelector;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The two drafts' shapes of active subscriptions: ids, documents and API paths. */
class DraftSubscriptionsTest {

  static final String HUB = "https://localhost/.well-known/mercure";
  static final String SUBSCRIBER = "urn:uuid:bb3de268-05b0-4c65-b44e-8f9acefc29d6";

  static ActiveSubscription draft08(TopicSelector selector) {
    return new ActiveSubscription(selector, SUBSCRIBER, null, true, SubscriptionFormats.DRAFT_08);
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
    SubscriptionFormat.Lookup lookup = SubscriptionFormats.DRAFT_08.lookup(encoded.id());
    assertThat(lookup.single()).isTrue();
    assertThat(lookup.selects().test(encoded)).isTrue();
    assertThat(lookup.selects().test(draft08(TopicSelector.matcher("exact", "a/b c+", HUB))))
        .isFalse();
  }

  @Test
  void eachFormatSelectsOnlyItsOwnSubscriptions() {
    TopicSelector topic = TopicSelector.of("https://example.com/a");
    ActiveSubscription as07 =
        new ActiveSubscription(topic, SUBSCRIBER, null, true, SubscriptionFormats.DRAFT_07);
    ActiveSubscription as08 = draft08(topic);
    String collection = ActiveSubscription.COLLECTION_PATH;
    assertThat(SubscriptionFormats.DRAFT_08.lookup(collection).selects().test(as07)).isFalse();
    assertThat(SubscriptionFormats.DRAFT_08.lookup(collection).selects().test(as08)).isTrue();
    assertThat(SubscriptionFormats.DRAFT_07.lookup(collection + "/").selects().test(as07)).isTrue();
    assertThat(SubscriptionFormats.DRAFT_07.lookup(as07.id()).selects().test(as08)).isFalse();
  }

  @Test
  void pathsNamingNoResourceAndBadEscapesAreRefused() {
    String collection = ActiveSubscription.COLLECTION_PATH;
    assertThatThrownBy(() -> SubscriptionFormats.DRAFT_08.lookup(collection + "/exact"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> SubscriptionFormats.DRAFT_08.lookup(collection + "/regexp/x"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("[exact, urlpattern]");
    assertThatThrownBy(() -> SubscriptionFormats.DRAFT_07.lookup(collection + "/a/b/c"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> SubscriptionFormats.DRAFT_08.lookup(collection + "/exact//x"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> SubscriptionFormats.DRAFT_08.lookup(collection + "/exact/%zz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("%zz");
    assertThatThrownBy(() -> SubscriptionFormats.DRAFT_08.lookup(collection + "/exact/%C3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void theDraft08CursorIsAQuotedLinkAttribute() {
    assertThat(SubscriptionFormats.DRAFT_08.link("urn:a\"b"))
        .isEqualTo(
            "</.well-known/mercure>; rel=\"mercure\"; last-event-id=\"urn:a\\\"b\";"
                + " type=\"mercure\"; content-type=\"application/json\"");
  }

  @Test
  void aDraft07DocumentIsJsonLdWithItsCursorInTheBody() {
    ActiveSubscription subscription =
        new ActiveSubscription(
            TopicSelector.of("https://example.com/{id}"),
            SUBSCRIBER,
            "p",
            false,
            SubscriptionFormats.DRAFT_07);
    assertThat(subscription.id())
        .isEqualTo(
            "/.well-known/mercure/subscriptions/https%3A%2F%2Fexample.com%2F%7Bid%7D/"
                + "urn%3Auuid%3Abb3de268-05b0-4c65-b44e-8f9acefc29d6");
    assertThat(subscription.document(false))
        .containsExactly(
            entry("@context", "https://mercure.rocks/"),
            entry("id", subscription.id()),
            entry("type", "Subscription"),
            entry("topic", "https://example.com/{id}"),
            entry("subscriber", SUBSCRIBER),
            entry("active", false),
            entry("payload", "p"));
    SubscriptionFormat.Lookup all =
        SubscriptionFormats.DRAFT_07.lookup(ActiveSubscription.COLLECTION_PATH);
    assertThat(SubscriptionFormats.DRAFT_07.answer(all, List.of(subscription), "urn:last"))
        .containsExactly(
            entry("@context", "https://mercure.rocks/"),
            entry("id", ActiveSubscription.COLLECTION_PATH),
            entry("type", "Subscriptions"),
            entry("subscriptions", List.of(subscription.document(true))),
            entry("lastEventID", "urn:last"));
    assertThat(subscription.document(true)).doesNotContainKey("@context");
  }

  @Test
  void aCollectionCountsTheSelectorItsPathNames() {
    String collection = ActiveSubscription.COLLECTION_PATH;
    assertThat(SubscriptionFormats.DRAFT_07.countedTopic(collection + "/a%2Fb")).isEqualTo("a/b");
    assertThat(SubscriptionFormats.DRAFT_08.countedTopic(collection + "/exact/a%2Fb"))
        .isEqualTo("a/b");
    assertThat(SubscriptionFormats.DRAFT_08.countedTopic(collection)).isNull();
    assertThatThrownBy(() -> SubscriptionFormats.DRAFT_07.countedTopic(collection + "/a/s"))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void eachFormatRebuildsTheSelectorsItStoresUnderItsOwnName() {
    assertThat(SubscriptionFormats.ALL)
        .extracting(SubscriptionFormat::name)
        .containsExactly("07", "08");
    assertThat(
            SubscriptionFormats.DRAFT_07
                .selector("https://example.com/{id}", TopicSelector.Kind.TEMPLATE)
                .kind())
        .isEqualTo(TopicSelector.Kind.TEMPLATE);
    assertThat(
            SubscriptionFormats.DRAFT_08
                .selector("https://example.com/:id", TopicSelector.Kind.URL_PATTERN)
                .kind())
        .isEqualTo(TopicSelector.Kind.URL_PATTERN);
    assertThat(
            SubscriptionFormats.DRAFT_08
                .selector("https://example.com/{id}", TopicSelector.Kind.EXACT)
                .kind())
        .isEqualTo(TopicSelector.Kind.EXACT);
  }
}
