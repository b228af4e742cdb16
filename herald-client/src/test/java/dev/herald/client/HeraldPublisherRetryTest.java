package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.ScriptedHub.Answer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * {@link HeraldPublisher} against scripted loopback answers a real hub cannot be made to give: 503s
 * with and without Retry-After, silence. Backoff runs on a {@link RecordingSleeper}.
 */
class HeraldPublisherRetryTest {

  private static final String TOPIC = "https://example.com/books/1";

  @Test
  void unreachableHubFailsWithoutStatus() throws Exception {
    URI closed = Loopback.hubUrl(Loopback.closedPort());
    HeraldPublisher publisher = HeraldPublisher.builder(closed).token(Loopback.ANY_TOKEN).build();
    assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
        .isInstanceOfSatisfying(
            HeraldClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(HeraldClientException.NO_STATUS);
              assertThat(e.getMessage())
                  .isEqualTo("cannot reach " + closed + ": java.net.ConnectException");
              assertThat(e.isRetryable()).isTrue();
            });
  }

  @Test
  void overCleartextTheDefaultClientDoesNotOfferTheH2cUpgrade() throws Exception {
    // The JDK's h2c upgrade path can lose its frame boundaries; see DefaultHttpClient.
    try (ScriptedHub scripted =
        new ScriptedHub(
            Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nurn:42"))) {
      HeraldPublisher.builder(scripted.url()).token(Loopback.ANY_TOKEN).build().publish(TOPIC, "d");
      ScriptedHub.Request request = scripted.nextRequest();
      assertThat(request.head()).startsWith("POST ");
      assertThat(request.header("Upgrade")).isNull();
      assertThat(request.header("HTTP2-Settings")).isNull();
    }
    assertThat(DefaultHttpClient.versionFor(URI.create("https://hub.example/.well-known/mercure")))
        .isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
  }

  @Test
  void unavailableIsRetriedHonouringRetryAfterThenBackingOff() throws Exception {
    RecordingSleeper sleeper = new RecordingSleeper();
    try (ScriptedHub scripted =
        new ScriptedHub(
            Answer.status(503, "dispatch queue full", "Retry-After: 2"),
            Answer.status(503, "dispatch queue full"),
            Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nurn:42"))) {
      String id =
          HeraldPublisher.builder(scripted.url())
              .token(Loopback.ANY_TOKEN)
              .sleeper(sleeper)
              .build()
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
    try (ScriptedHub scripted =
        new ScriptedHub(
            Answer.status(503, "busy", "Retry-After: Fri, 02 Jan 2026 10:00:07 GMT"),
            Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n7"))) {
      HeraldPublisher.builder(scripted.url())
          .token(Loopback.ANY_TOKEN)
          .sleeper(sleeper)
          .clock(Clock.fixed(now, ZoneOffset.UTC))
          .build()
          .publish(TOPIC, "x");
      assertThat(sleeper.delays).containsExactly(Duration.ofSeconds(7));
    }
  }

  @Test
  void unavailableAfterTheLastAttemptSurfacesThe503() throws Exception {
    RecordingSleeper sleeper = new RecordingSleeper();
    try (ScriptedHub scripted =
        new ScriptedHub(
            Answer.status(503, "shared log unreachable"),
            Answer.status(503, "shared log unreachable"))) {
      HeraldPublisher publisher =
          HeraldPublisher.builder(scripted.url())
              .token(Loopback.ANY_TOKEN)
              .maxAttempts(2)
              .sleeper(sleeper)
              .build();
      assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
          .isInstanceOfSatisfying(
              HeraldClientException.class,
              e -> {
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
    try (ScriptedHub scripted =
        new ScriptedHub(Answer.status(503, "maintenance", "Retry-After: 3600"))) {
      HeraldPublisher publisher =
          HeraldPublisher.builder(scripted.url())
              .token(Loopback.ANY_TOKEN)
              .maxRetryDelay(Duration.ofSeconds(10))
              .sleeper(sleeper)
              .build();
      assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
          .isInstanceOfSatisfying(
              HeraldClientException.class,
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
      HeraldPublisher publisher =
          HeraldPublisher.builder(scripted.url())
              .token(Loopback.ANY_TOKEN)
              .sleeper(sleeper)
              .build();
      assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
          .isInstanceOfSatisfying(
              HeraldClientException.class, e -> assertThat(e.status()).isEqualTo(500));
      assertThat(sleeper.delays).isEmpty();
    }
  }

  @Test
  void hubThatNeverAnswersTimesOut() throws Exception {
    try (ScriptedHub scripted = new ScriptedHub(new Answer(new byte[0], true))) {
      HeraldPublisher publisher =
          HeraldPublisher.builder(scripted.url())
              .token(Loopback.ANY_TOKEN)
              .requestTimeout(Duration.ofMillis(300))
              .build();
      assertThatThrownBy(() -> publisher.publish(TOPIC, "x"))
          .isInstanceOfSatisfying(
              HeraldClientException.class,
              e ->
                  assertThat(e.getMessage())
                      .isEqualTo("no answer from " + scripted.url() + " within PT0.3S"));
    }
  }
}
