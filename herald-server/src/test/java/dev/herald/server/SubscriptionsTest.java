package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.HubConfig;
import dev.herald.core.dispatch.ActiveSubscription;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protocol's active subscriptions: subscription events and the subscriptions API. */
class SubscriptionsTest extends ServerTestBase {

  static final String SUBSCRIPTIONS = "/.well-known/mercure/subscriptions{/topic}{/subscriber}";
  static final String OBSERVER = token(null, List.of(SUBSCRIPTIONS), null);

  @Override
  ServerConfig.Builder config() {
    return super.config().hub(HubConfig.DEFAULTS.withSubscriptionEvents(true));
  }

  @Test
  void subscriptionsAreAnnouncedAsPrivateUpdates() throws Exception {
    try (SseClient observer =
            SseClient.open(
                http, subscribeUri(SUBSCRIPTIONS), Map.of("Authorization", "Bearer " + OBSERVER));
        SseClient anonymous = SseClient.open(http, subscribeUri(SUBSCRIPTIONS), Map.of())) {
      SseClient books = SseClient.open(http, subscribeUri(BOOKS), Map.of());
      Map<String, Object> started = nextAbout(observer, BOOKS);
      assertThat(started)
          .containsEntry("type", "Subscription")
          .containsEntry("topic", BOOKS)
          .containsEntry("active", true)
          .containsEntry("@context", "https://mercure.rocks/");
      String subscriber = (String) started.get("subscriber");
      assertThat(started.get("id"))
          .isEqualTo(
              "/.well-known/mercure/subscriptions/"
                  + ActiveSubscription.encode(BOOKS)
                  + "/"
                  + ActiveSubscription.encode(subscriber));
      books.close();
      Map<String, Object> ended = nextAbout(observer, BOOKS);
      assertThat(ended).containsEntry("active", false).containsEntry("subscriber", subscriber);
      publishOk("topic=marker&data=m");
      assertThat(anonymous.hasQueuedEvents()).as("subscription events are private").isFalse();
    }
  }

  /** The next subscription event about the selector, skipping those of the test's other streams. */
  static Map<String, Object> nextAbout(SseClient observer, String selector) throws Exception {
    for (int i = 0; i < 10; i++) {
      Map<String, Object> event = JSONObjectUtils.parse(observer.next().data());
      if (selector.equals(event.get("topic"))) {
        return event;
      }
    }
    throw new AssertionError("no subscription event about " + selector + " in 10 events");
  }

  @Test
  void theApiListsActiveSubscriptions() throws Exception {
    try (SseClient books =
        SseClient.open(http, subscribeUri(BOOKS, "https://example.com/news"), Map.of())) {
      await().atMost(Duration.ofSeconds(5)).until(() -> server.hub().subscriberCount() == 1);
      Map<String, String> auth = Map.of("Authorization", "Bearer " + OBSERVER);
      HttpResponse<String> all = get("/.well-known/mercure/subscriptions", auth);
      assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
      assertThat(all.headers().firstValue("content-type")).hasValue("application/ld+json");
      Map<String, Object> collection = JSONObjectUtils.parse(all.body());
      assertThat(collection)
          .containsEntry("type", "Subscriptions")
          .containsEntry("id", "/.well-known/mercure/subscriptions")
          .containsKey("lastEventID");
      List<Object> subscriptions = JSONObjectUtils.getJSONArray(collection, "subscriptions");
      assertThat(subscriptions).hasSize(2);
      @SuppressWarnings("unchecked")
      Map<String, Object> first = (Map<String, Object>) subscriptions.get(0);
      String id = (String) first.get("id");

      HttpResponse<String> byTopic =
          get("/.well-known/mercure/subscriptions/" + ActiveSubscription.encode(BOOKS), auth);
      assertThat(
              JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(byTopic.body()), "subscriptions"))
          .hasSize(1);
      HttpResponse<String> single = get(id, auth);
      assertThat(single.statusCode()).isEqualTo(200);
      assertThat(JSONObjectUtils.parse(single.body()))
          .containsEntry("id", id)
          .containsEntry("active", true);

      assertThat(get("/.well-known/mercure/subscriptions/x/urn%3Anobody", auth).statusCode())
          .isEqualTo(404);
      assertThat(get("/.well-known/mercure/subscriptions", Map.of()).statusCode()).isEqualTo(401);
      String other = token(null, List.of("https://example.com/{x}"), null);
      assertThat(
              get("/.well-known/mercure/subscriptions", Map.of("Authorization", "Bearer " + other))
                  .statusCode())
          .isEqualTo(403);
    }
  }

  @Test
  void theApiIsOffUnlessEnabled() throws Exception {
    restart(super.config().build());
    HttpResponse<String> response =
        get("/.well-known/mercure/subscriptions", Map.of("Authorization", "Bearer " + OBSERVER));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("--subscriptions");
  }
}
