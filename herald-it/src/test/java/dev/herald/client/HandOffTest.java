package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.server.HeraldServer;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state-then-stream hand-off with the Java client against a real hub: {@link
 * HeraldPublisher#lastEventId()} reads the position, {@link HeraldSubscriber.Builder#lastEventId}
 * subscribes from it, and nothing published in between is lost. Runs on the JUnit thread; the
 * subscriber calls back on its own.
 */
class HandOffTest {

  private static final String BOOK = "https://example.com/books/1";

  private HeraldServer server;
  private URI hub;
  private HeraldPublisher publisher;
  private HeraldSubscriber subscriber;

  @BeforeEach
  void startHub() throws Exception {
    server = TestHub.start();
    hub = TestHub.url(server);
    publisher = HeraldPublisher.builder(hub).token(TestHub.PUBLISHER).build();
  }

  @AfterEach
  void stop() {
    if (subscriber != null) {
      subscriber.close();
    }
    server.close();
  }

  @Test
  void thePositionIsEarliestThenTheLastPublishedId() {
    assertThat(publisher.lastEventId()).isEqualTo("earliest");
    publisher.publish(BOOK, "one");
    String second = publisher.publish(BOOK, "two");
    assertThat(publisher.lastEventId()).isEqualTo(second).isEqualTo(server.hub().lastEventId());
  }

  @Test
  void aSubscriberFromThePositionGetsWhatWasPublishedMeanwhileAndNothingBefore() throws Exception {
    publisher.publish(Publication.to(BOOK).data("before").id("urn:book:1:v1").build());
    String position = publisher.lastEventId();
    // The state is read here; these two changes land after it, before the subscription opens.
    publisher.publish(Publication.to(BOOK).data("v2").id("urn:book:1:v2").build());
    publisher.publish(Publication.to(BOOK).data("v3").id("urn:book:1:v3").build());
    RecordingListener listener = new RecordingListener();
    subscriber = HeraldSubscriber.builder(hub).topics(BOOK).lastEventId(position).start(listener);
    assertThat(listener.next()).isEqualTo(new ServerSentEvent("urn:book:1:v2", "message", "v2"));
    assertThat(listener.next()).isEqualTo(new ServerSentEvent("urn:book:1:v3", "message", "v3"));
    publisher.publish(Publication.to(BOOK).data("v4").id("urn:book:1:v4").build());
    assertThat(listener.next()).isEqualTo(new ServerSentEvent("urn:book:1:v4", "message", "v4"));
  }

  @Test
  void aSubscriberTokenIsRefusedWithTheHubsReason() {
    HeraldPublisher notAPublisher =
        HeraldPublisher.builder(hub)
            .token(TestHub.MINTER.subscriber(List.of("*"), null))
            .maxAttempts(1)
            .build();
    assertThatThrownBy(notAPublisher::lastEventId)
        .isInstanceOfSatisfying(
            HeraldClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.reason()).contains("the hub's position is for publishers");
            });
  }

  @Test
  void thePositionUrlIsUnderTheHubPath() {
    assertThat(
            HeraldPublisher.positionUrl(URI.create("https://hub.example/.well-known/mercure?x=1")))
        .isEqualTo(URI.create("https://hub.example/.well-known/mercure/last-event-id"));
  }
}
