package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.HubConfig;
import dev.herald.core.dispatch.ActiveSubscription;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Presence counts: {@code ?count} on a subscriptions collection answers how many subscriptions it
 * holds, in the shape of the reader's protocol, counting subscribers of both protocols whose
 * selector is that text; the whole collection counts them all. Real sockets.
 */
class PresenceCountTest extends ServerTestBase {

  private static final String BOOK = Draft08SubscriptionsTest.BOOK;
  private static final String DRAFT07_OBSERVER = Draft08SubscriptionsTest.DRAFT07_OBSERVER;
  private static final String DRAFT08_OBSERVER = Draft08SubscriptionsTest.DRAFT08_OBSERVER;

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .hub(HubConfig.DEFAULTS.withSubscriptionEvents(true))
        .protocols(
            ProtocolConfig.DEFAULTS
                .withResourceId(Draft08SubscriptionsTest.RESOURCE)
                .withIssuers(List.of(Draft08SubscriptionsTest.ISSUER + "=" + SECRET)));
  }

  private static Map<String, String> bearer(String token) {
    return Draft08SubscriptionsTest.bearer(token);
  }

  private static final String COUNT_07 =
      ActiveSubscription.COLLECTION_PATH + "/" + ActiveSubscription.encode(BOOK) + "?count";
  private static final String COUNT_08 =
      ActiveSubscription.COLLECTION_PATH + "/exact/" + ActiveSubscription.encode(BOOK) + "?count";

  @Test
  void countsAreAnsweredInEachProtocolsShape() throws Exception {
    try (SseClient draft07 = SseClient.open(http, subscribeUri(BOOK), Map.of());
        SseClient draft08 =
            SseClient.open(
                http, URI.create(base + "/.well-known/mercure?match=" + enc(BOOK)), Map.of());
        SseClient other =
            SseClient.open(http, subscribeUri("https://example.com/other"), Map.of())) {
      await().atMost(Duration.ofSeconds(5)).until(() -> server.hub().presence().total() == 3);

      HttpResponse<String> as07 = get(COUNT_07, bearer(DRAFT07_OBSERVER));
      assertThat(as07.statusCode()).as(as07.body()).isEqualTo(200);
      assertThat(as07.headers().firstValue("content-type")).hasValue("application/ld+json");
      assertThat(JSONObjectUtils.parse(as07.body()))
          .containsEntry("type", "Subscriptions")
          .containsEntry("id", COUNT_07)
          .containsEntry("count", 2L)
          .containsKey("lastEventID")
          .doesNotContainKey("subscriptions");

      HttpResponse<String> as08 = get(COUNT_08, bearer(DRAFT08_OBSERVER));
      assertThat(as08.statusCode()).as(as08.body()).isEqualTo(200);
      assertThat(as08.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(as08.headers().firstValue("link").orElseThrow()).contains("last-event-id=");
      assertThat(JSONObjectUtils.parse(as08.body()))
          .containsEntry("type", "subscriptions")
          .containsEntry("count", 2L);

      HttpResponse<String> all =
          get(ActiveSubscription.COLLECTION_PATH + "?count", bearer(DRAFT08_OBSERVER));
      assertThat(JSONObjectUtils.parse(all.body())).containsEntry("count", 3L);

      draft07.close();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  JSONObjectUtils.parse(get(COUNT_08, bearer(DRAFT08_OBSERVER)).body())
                      .get("count")
                      .equals(1L));
    }
  }

  @Test
  void aCountIsOfACollectionNotOfOneSubscription() throws Exception {
    HttpResponse<String> single =
        get(
            ActiveSubscription.COLLECTION_PATH
                + "/"
                + ActiveSubscription.encode(BOOK)
                + "/"
                + ActiveSubscription.encode("urn:uuid:x")
                + "?count",
            bearer(DRAFT07_OBSERVER));
    assertThat(single.statusCode()).isEqualTo(404);
    assertThat(single.body()).contains("a count is of a collection");
  }

  @Test
  void withoutATokenTheCountIsRefused() throws Exception {
    assertThat(get(COUNT_07, Map.of()).statusCode()).isEqualTo(401);
  }
}
