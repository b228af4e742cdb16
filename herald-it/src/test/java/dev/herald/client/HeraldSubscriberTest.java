package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Hub;
import dev.herald.core.Update;
import dev.herald.core.history.MemoryHistory;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HeraldSubscriber} against a real hub over loopback sockets. */
class HeraldSubscriberTest {

  private static final String BOOK = "https://example.com/books/1";
  private static final String AUTHORS = "https://example.com/authors/{id}";

  private final MemoryHistory history = new MemoryHistory(100);
  private ServerConfig config;
  private HeraldServer server;
  private URI hub;
  private HeraldPublisher publisher;
  private HeraldSubscriber subscriber;

  @BeforeEach
  void startHub() throws Exception {
    config = TestHub.config().build();
    server = HeraldServer.builder(config).hub(new Hub(config.hub(), history)).start();
    hub = TestHub.url(server);
    publisher = HeraldPublisher.builder(hub).token(TestHub.PUBLISHER).build();
  }

  @AfterEach
  void stop() {
    if (subscriber != null) {
      subscriber.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void awaitSubscribers(int count) {
    await().atMost(TestHub.WAIT).until(() -> server.hub().subscriberCount() == count);
  }

  @Test
  void severalSelectorsShareOneConnection() throws Exception {
    RecordingListener listener = new RecordingListener();
    subscriber = HeraldSubscriber.builder(hub).topics(BOOK, AUTHORS).start(listener);
    awaitSubscribers(1);
    await().atMost(TestHub.WAIT).until(() -> server.openStreams() == 1);
    assertThat(server.hub().subscriberCount()).isEqualTo(1);

    publisher.publish(Publication.to(BOOK).data("b").id("e1").type("changed").build());
    publisher.publish(Publication.to("https://example.com/other").data("not for us").build());
    publisher.publish(
        Publication.to("https://example.com/authors/9").data("a\nb").id("e2").build());

    assertThat(listener.next()).isEqualTo(new ServerSentEvent("e1", "changed", "b"));
    assertThat(listener.next()).isEqualTo(new ServerSentEvent("e2", "message", "a\nb"));
    await().atMost(TestHub.WAIT).until(() -> "e2".equals(subscriber.lastEventId()));
    assertThat(listener.calls).startsWith("open");
  }

  @Test
  void privateUpdatesReachOnlyAnAuthorizedSubscriber() throws Exception {
    RecordingListener anonymous = new RecordingListener();
    RecordingListener authorized = new RecordingListener();
    subscriber = HeraldSubscriber.builder(hub).topics(BOOK).start(anonymous);
    try (HeraldSubscriber withToken =
        HeraldSubscriber.builder(hub)
            .topics(BOOK)
            .token(TestHub.MINTER.renewing(null, List.of(BOOK), Duration.ofMinutes(1)))
            .start(authorized)) {
      awaitSubscribers(2);
      publisher.publish(Publication.to(BOOK).data("secret").id("p1").privately().build());
      publisher.publish(Publication.to(BOOK).data("public").id("p2").build());
      assertThat(authorized.next().id()).isEqualTo("p1");
      assertThat(authorized.next().id()).isEqualTo("p2");
      assertThat(anonymous.next().id()).isEqualTo("p2"); // p1 never came first
    }
  }

  @Test
  void resumesAfterTheHubRestartsWithoutGapOrDuplicate() throws Exception {
    RecordingListener listener = new RecordingListener();
    RecordingSleeper sleeper = new RecordingSleeper();
    subscriber = HeraldSubscriber.builder(hub).topics(BOOK).sleeper(sleeper).start(listener);
    awaitSubscribers(1);
    publisher.publish(Publication.to(BOOK).data("one").id("e1").build());
    publisher.publish(Publication.to(BOOK).data("two").id("e2").build());
    assertThat(listener.next().id()).isEqualTo("e1");
    assertThat(listener.next().id()).isEqualTo("e2");

    InetSocketAddress port = server.boundAddresses().get(0);
    HeraldServer first = server;
    server = null;
    first.close();
    Hub restarted = new Hub(config.hub(), history);
    restarted.publish(new Update(List.of(BOOK), "three", false, "e3", null, null)).join();
    restarted.publish(new Update(List.of(BOOK), "four", false, "e4", null, null)).join();
    server =
        HeraldServer.builder(config.toBuilder().listen(List.of(port)).build())
            .hub(restarted)
            .start();

    assertThat(listener.next().data()).isEqualTo("three");
    assertThat(listener.next().data()).isEqualTo("four");
    assertThat(listener.events).isEmpty();
    assertThat(listener.disconnects).isNotEmpty();
    assertThat(listener.missing).isEmpty();
    // Set once the callback returned, just after the event was queued.
    await().atMost(TestHub.WAIT).until(() -> "e4".equals(subscriber.lastEventId()));
  }

  @Test
  void unknownLastEventIdIsReportedAsEventsMayBeMissing() throws Exception {
    publisher.publish(Publication.to(BOOK).data("kept").id("h1").build());
    RecordingListener listener = new RecordingListener();
    subscriber =
        HeraldSubscriber.builder(hub)
            .topics(BOOK)
            .lastEventId("urn:pruned-long-ago")
            .start(listener);

    assertThat(listener.next().id()).isEqualTo("h1"); // everything retained is replayed
    assertThat(listener.missing).containsExactly("urn:pruned-long-ago");
    assertThat(listener.calls).startsWith("open", "missing urn:pruned-long-ago", "event h1");
  }

  @Test
  void knownLastEventIdResumesWithoutWarning() throws Exception {
    publisher.publish(Publication.to(BOOK).data("seen").id("h1").build());
    publisher.publish(Publication.to(BOOK).data("missed").id("h2").build());
    RecordingListener listener = new RecordingListener();
    subscriber = HeraldSubscriber.builder(hub).topics(BOOK).lastEventId("h1").start(listener);
    assertThat(listener.next().id()).isEqualTo("h2");
    assertThat(listener.missing).isEmpty();
  }

  @Test
  void earliestAsksForTheWholeHistoryWithoutWarning() throws Exception {
    publisher.publish(Publication.to(BOOK).data("old").id("h1").build());
    RecordingListener listener = new RecordingListener();
    subscriber = HeraldSubscriber.builder(hub).topics(BOOK).lastEventId("earliest").start(listener);
    assertThat(listener.next().id()).isEqualTo("h1");
    assertThat(listener.missing).isEmpty();
  }

  @Test
  void rejectedTokenStopsTheSubscriberWithTheHubsReason() throws Exception {
    RecordingListener listener = new RecordingListener();
    subscriber =
        HeraldSubscriber.builder(hub)
            .topics(BOOK)
            .token(
                HmacTokenMinter.hs256("another-secret-also-long-enough-for-hs256!")
                    .subscriber(List.of("*"), null))
            .start(listener);
    HeraldClientException reason = listener.awaitClosed();
    assertThat(reason.status()).isEqualTo(401);
    assertThat(reason.reason()).contains("signature");
    assertThat(listener.disconnects).isEmpty();
    assertThat(subscriber.awaitClosed(TestHub.WAIT)).isTrue();
    assertThat(subscriber.isClosed()).isTrue();
  }

  @Test
  void closeFromAnotherThreadEndsTheStreamAndCallsOnClosedOnce() throws Exception {
    RecordingListener listener = new RecordingListener();
    subscriber = HeraldSubscriber.builder(hub).topics(BOOK).start(listener);
    awaitSubscribers(1);
    subscriber.close();
    assertThat(subscriber.isClosed()).isTrue(); // close() waited for the subscriber's thread
    assertThat(listener.awaitClosed()).isNull();
    subscriber.close();
    assertThat(listener.calls).containsExactly("open", "closed ");
    awaitSubscribers(0);
  }

  @Test
  void closeFromTheListenerStopsBeforeTheNextEvent() throws Exception {
    RecordingListener listener =
        new RecordingListener() {
          @Override
          public void onEvent(ServerSentEvent event) {
            super.onEvent(event);
            subscriber.close();
          }
        };
    subscriber = HeraldSubscriber.builder(hub).topics(BOOK).start(listener);
    awaitSubscribers(1);
    publisher.publish(Publication.to(BOOK).data("1").id("c1").build());
    publisher.publish(Publication.to(BOOK).data("2").id("c2").build());
    assertThat(listener.awaitClosed()).isNull();
    assertThat(listener.calls).containsExactly("open", "event c1", "closed ");
    awaitSubscribers(0);
  }

  @Test
  void listenerThatThrowsGetsTheEventAgainAfterTheReconnection() throws Exception {
    RecordingSleeper sleeper = new RecordingSleeper();
    RecordingListener listener =
        new RecordingListener() {
          private boolean thrown;

          @Override
          public void onEvent(ServerSentEvent event) {
            if (event.id().equals("t2") && !thrown) {
              thrown = true;
              throw new IllegalStateException("database down");
            }
            super.onEvent(event);
          }
        };
    subscriber = HeraldSubscriber.builder(hub).topics(BOOK).sleeper(sleeper).start(listener);
    awaitSubscribers(1);
    publisher.publish(Publication.to(BOOK).data("1").id("t1").build());
    publisher.publish(Publication.to(BOOK).data("2").id("t2").build());
    assertThat(listener.next().id()).isEqualTo("t1");
    assertThat(listener.next().id()).isEqualTo("t2");
    assertThat(listener.disconnects)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .isEqualTo("listener failed: java.lang.IllegalStateException: database down"));
  }

  @Test
  void tokenSupplierIsAskedOnEveryConnection() throws Exception {
    List<String> handedOut = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.function.Supplier<String> tokens =
        () -> {
          String token = TestHub.MINTER.subscriber(List.of(BOOK + "?n=" + handedOut.size()), null);
          handedOut.add(token);
          return token;
        };
    RecordingListener listener = new RecordingListener();
    RecordingSleeper sleeper = new RecordingSleeper();
    subscriber =
        HeraldSubscriber.builder(hub).topics(BOOK).token(tokens).sleeper(sleeper).start(listener);
    awaitSubscribers(1);
    InetSocketAddress port = server.boundAddresses().get(0);
    server.close();
    server = HeraldServer.start(config.toBuilder().listen(List.of(port)).build());
    awaitSubscribers(1);
    assertThat(handedOut).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
  }
}
