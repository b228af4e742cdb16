package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.history.MemoryHistory;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HeraldPublisher} against a real hub over loopback sockets. */
class HeraldPublisherTest {

  private static final String TOPIC = "https://example.com/books/1";

  private final MemoryHistory history = new MemoryHistory(100);
  private HeraldServer server;
  private URI hub;

  @BeforeEach
  void startHub() throws Exception {
    ServerConfig config = TestHub.config().build();
    server = HeraldServer.builder(config).hub(new Hub(config.hub(), history)).start();
    hub = TestHub.url(server);
  }

  private List<Event> stored() {
    return history.read(0, Long.MAX_VALUE, 10);
  }

  @AfterEach
  void stopHub() {
    server.close();
  }

  private HeraldPublisher.Builder publisher() {
    return HeraldPublisher.builder(hub).token(TestHub.PUBLISHER);
  }

  @Test
  void returnsTheGivenIdAndTheHubStoresEveryField() {
    String id =
        publisher()
            .build()
            .publish(
                Publication.to(TOPIC, "urn:alt")
                    .data("line one\nline two")
                    .id("book-1")
                    .type("created")
                    .retry(2500)
                    .build());

    assertThat(id).isEqualTo("book-1");
    assertThat(stored())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.update().topics()).containsExactly(TOPIC, "urn:alt");
              assertThat(event.update().data()).isEqualTo("line one\nline two");
              assertThat(event.update().type()).isEqualTo("created");
              assertThat(event.update().retry()).isEqualTo(2500L);
              assertThat(event.update().isPrivate()).isFalse();
            });
  }

  @Test
  void withoutIdReturnsTheIdTheHubGenerated() {
    String id = publisher().build().publish(TOPIC, "x");
    assertThat(id).startsWith("urn:uuid:").isEqualTo(server.hub().lastEventId());
  }

  @Test
  void privateFlagReachesTheHub() {
    publisher().build().publish(Publication.to(TOPIC).data("secret").privately().build());
    assertThat(stored())
        .singleElement()
        .satisfies(event -> assertThat(event.update().isPrivate()).isTrue());
  }

  @Test
  void tokenMintedFromTheKeyIsAccepted() {
    HeraldPublisher publisher =
        HeraldPublisher.builder(hub)
            .token(TestHub.MINTER.renewing(List.of(TOPIC), null, Duration.ofMinutes(5)))
            .build();
    assertThat(publisher.publish(TOPIC, "minted")).isEqualTo(server.hub().lastEventId());
  }

  @Test
  void wrongKeySurfaces401WithTheHubsReason() {
    HeraldPublisher publisher =
        HeraldPublisher.builder(hub)
            .token(
                HmacTokenMinter.hs256("another-secret-also-long-enough-for-hs256!")
                    .publisher(List.of("*"), null))
            .build();
    assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
        .isInstanceOfSatisfying(
            HeraldClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.reason()).contains("signature");
              assertThat(e.getMessage()).isEqualTo("HTTP 401: " + e.reason());
              assertThat(e.isRetryable()).isFalse();
            });
    assertThat(server.hub().publishedEvents()).isZero();
  }

  @Test
  void topicOutsideTheTokensClaimSurfaces403() {
    HeraldPublisher publisher =
        HeraldPublisher.builder(hub)
            .token(TestHub.MINTER.publisher(List.of("urn:other"), null))
            .build();
    assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
        .isInstanceOfSatisfying(
            HeraldClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.reason()).contains(TOPIC);
            });
  }

  @Test
  void invalidUpdateSurfaces400WithTheHubsReason() {
    assertThatThrownBy(() -> publisher().build().publish(Publication.to(TOPIC).id("#frag").build()))
        .isInstanceOfSatisfying(
            HeraldClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.reason()).startsWith("id: #frag");
            });
  }

  @Test
  void lineBreakInIdIsRejectedBeforeSending() {
    assertThatThrownBy(() -> Publication.to(TOPIC).id("a\nb").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id: a\\nb (expected: no CR, LF or NUL)");
  }
}
