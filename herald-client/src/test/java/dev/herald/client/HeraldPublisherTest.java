package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.ScriptedHub.Answer;
import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.history.MemoryHistory;
import dev.herald.server.ServerConfig;
import dev.herald.server.HeraldServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HeraldPublisher} against a real hub, and against scripted answers for 503s. */
class HeraldPublisherTest {

  private static final String TOPIC = "https://example.com/books/1";

  private final MemoryHistory history = new MemoryHistory(100);
  private HeraldServer server;
  private URI hub;

  @BeforeEach
  void startHub() throws Exception {
    ServerConfig config = TestHub.config().build();
    server = HeraldServer.start(config, new Hub(config.hub(), history), Clock.systemUTC());
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
    String id = publisher().build().publish(Publication.to(TOPIC, "urn:alt")
        .data("line one\nline two").id("book-1").type("created").retry(2500).build());

    assertThat(id).isEqualTo("book-1");
    assertThat(stored()).singleElement().satisfies(event -> {
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
        .singleElement().satisfies(event -> assertThat(event.update().isPrivate()).isTrue());
  }

  @Test
  void tokenMintedFromTheKeyIsAccepted() {
    HeraldPublisher publisher = HeraldPublisher.builder(hub)
        .token(TestHub.MINTER.renewing(List.of(TOPIC), null, Duration.ofMinutes(5)))
        .build();
    assertThat(publisher.publish(TOPIC, "minted")).isEqualTo(server.hub().lastEventId());
  }

  @Test
  void wrongKeySurfaces401WithTheHubsReason() {
    HeraldPublisher publisher = HeraldPublisher.builder(hub)
        .token(HmacTokenMinter.hs256("another-secret-also-long-enough-for-hs256!")
            .publisher(List.of("*"), null))
        .build();
    assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
        .isInstanceOfSatisfying(HeraldClientException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.reason()).contains("signature");
          assertThat(e.getMessage()).isEqualTo("HTTP 401: " + e.reason());
          assertThat(e.isRetryable()).isFalse();
        });
    assertThat(server.hub().publishedEvents()).isZero();
  }

  @Test
  void topicOutsideTheTokensClaimSurfaces403() {
    HeraldPublisher publisher = HeraldPublisher.builder(hub)
        .token(TestHub.MINTER.publisher(List.of("urn:other"), null)).build();
    assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
        .isInstanceOfSatisfying(HeraldClientException.class, e -> {
          assertThat(e.status()).isEqualTo(403);
          assertThat(e.reason()).contains(TOPIC);
        });
  }

  @Test
  void invalidUpdateSurfaces400WithTheHubsReason() {
    assertThatThrownBy(() -> publisher().build().publish(
        Publication.to(TOPIC).id("#frag").build()))
        .isInstanceOfSatisfying(HeraldClientException.class, e -> {
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

  @Test
  void unreachableHubFailsWithoutStatus() throws Exception {
    URI closed = TestHub.url(closedPort());
    HeraldPublisher publisher = HeraldPublisher.builder(closed).token(TestHub.PUBLISHER).build();
    assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
        .isInstanceOfSatisfying(HeraldClientException.class, e -> {
          assertThat(e.status()).isEqualTo(HeraldClientException.NO_STATUS);
          assertThat(e.getMessage())
              .isEqualTo("cannot reach " + closed + ": java.net.ConnectException");
          assertThat(e.isRetryable()).isTrue();
        });
  }

  @Test
  void unavailableIsRetriedHonouringRetryAfterThenBackingOff() throws Exception {
    RecordingSleeper sleeper = new RecordingSleeper();
    try (ScriptedHub scripted = new ScriptedHub(
        Answer.status(503, "dispatch queue full", "Retry-After: 2"),
        Answer.status(503, "dispatch queue full"),
        Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nurn:42"))) {
      String id = HeraldPublisher.builder(scripted.url()).token(TestHub.PUBLISHER)
          .sleeper(sleeper).build()
          .publish(Publication.to(TOPIC).data("d").id("urn:42").build());

      assertThat(id).isEqualTo("urn:42");
      assertThat(sleeper.delays).hasSize(2);
      assertThat(sleeper.delays.get(0)).isEqualTo(Duration.ofSeconds(2));
      // Second failure, no Retry-After: 2 x 200 ms, with jitter in [200, 400].
      assertThat(sleeper.delays.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      String first = scripted.nextRequest().body();
      assertThat(first).isEqualTo("topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&data=d&id=urn%3A42");
      assertThat(scripted.nextRequest().body()).isEqualTo(first);
      assertThat(scripted.nextRequest().body()).isEqualTo(first);
    }
  }

  @Test
  void retryAfterAsAnHttpDateIsHonoured() throws Exception {
    RecordingSleeper sleeper = new RecordingSleeper();
    Instant now = Instant.parse("2026-01-02T10:00:00Z");
    try (ScriptedHub scripted = new ScriptedHub(
        Answer.status(503, "busy", "Retry-After: Fri, 02 Jan 2026 10:00:07 GMT"),
        Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n7"))) {
      HeraldPublisher.builder(scripted.url()).token(TestHub.PUBLISHER).sleeper(sleeper)
          .clock(Clock.fixed(now, ZoneOffset.UTC)).build().publish(TOPIC, "x");
      assertThat(sleeper.delays).containsExactly(Duration.ofSeconds(7));
    }
  }

  @Test
  void unavailableAfterTheLastAttemptSurfacesThe503() throws Exception {
    RecordingSleeper sleeper = new RecordingSleeper();
    try (ScriptedHub scripted = new ScriptedHub(
        Answer.status(503, "shared log unreachable"),
        Answer.status(503, "shared log unreachable"))) {
      HeraldPublisher publisher = HeraldPublisher.builder(scripted.url())
          .token(TestHub.PUBLISHER).maxAttempts(2).sleeper(sleeper).build();
      assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
          .isInstanceOfSatisfying(HeraldClientException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.reason()).isEqualTo("shared log unreachable");
            assertThat(e.isRetryable()).isTrue();
          });
      assertThat(sleeper.delays).hasSize(1);
    }
  }

  @Test
  void retryAfterLongerThanAllowedEndsTheRetriesAtOnce() throws Exception {
    RecordingSleeper sleeper = new RecordingSleeper();
    try (ScriptedHub scripted = new ScriptedHub(
        Answer.status(503, "maintenance", "Retry-After: 3600"))) {
      HeraldPublisher publisher = HeraldPublisher.builder(scripted.url())
          .token(TestHub.PUBLISHER).maxRetryDelay(Duration.ofSeconds(10)).sleeper(sleeper).build();
      assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
          .isInstanceOfSatisfying(HeraldClientException.class,
              e -> assertThat(e.getMessage()).isEqualTo("HTTP 503: maintenance"));
      assertThat(sleeper.delays).isEmpty();
      scripted.nextRequest();
      assertThat(scripted.pendingRequests()).isZero();
    }
  }

  @Test
  void otherErrorsAreNotRetried() throws Exception {
    RecordingSleeper sleeper = new RecordingSleeper();
    try (ScriptedHub scripted = new ScriptedHub(Answer.status(500, "boom"))) {
      HeraldPublisher publisher = HeraldPublisher.builder(scripted.url())
          .token(TestHub.PUBLISHER).sleeper(sleeper).build();
      assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
          .isInstanceOfSatisfying(HeraldClientException.class,
              e -> assertThat(e.status()).isEqualTo(500));
      assertThat(sleeper.delays).isEmpty();
    }
  }

  @Test
  void hubThatNeverAnswersTimesOut() throws Exception {
    try (ScriptedHub scripted = new ScriptedHub(new Answer(new byte[0], true))) {
      HeraldPublisher publisher = HeraldPublisher.builder(scripted.url()).token(TestHub.PUBLISHER)
          .requestTimeout(Duration.ofMillis(300)).build();
      assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
          .isInstanceOfSatisfying(HeraldClientException.class, e -> assertThat(e.getMessage())
              .isEqualTo("no answer from " + scripted.url() + " within PT0.3S"));
    }
  }

  static InetSocketAddress closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }
  }
}
