package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.client.ScriptedHub.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HeraldSubscriber} against scripted answers a real hub never gives: broken streams, 5xx,
 * odd content types. Reconnection delays run on a {@link RecordingSleeper}.
 */
class HeraldSubscriberStreamTest {

  private static final String TOPIC = "https://example.com/books/1";

  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final RecordingListener listener = new RecordingListener();
  private HeraldSubscriber subscriber;

  @AfterEach
  void stop() {
    if (subscriber != null) {
      subscriber.close();
    }
  }

  private HeraldSubscriber.Builder subscribe(ScriptedHub hub) {
    return HeraldSubscriber.builder(hub.url()).topics(TOPIC).sleeper(sleeper);
  }

  @Test
  void invalidUtf8EndsTheConnectionAndTheSubscriberResumes() throws Exception {
    byte[] bad = "id: a\ndata: 1\n\nid: b\ndata: \u00ff\n\n".getBytes(StandardCharsets.ISO_8859_1);
    // The first connection stays open after the bad bytes: only the client can end it.
    try (ScriptedHub hub =
        new ScriptedHub(Answer.stream(bad, true), Answer.stream("id: b\ndata: 2\n\n", true))) {
      subscriber = subscribe(hub).start(listener);
      assertThat(listener.next()).isEqualTo(new ServerSentEvent("a", "message", "1"));
      assertThat(listener.next()).isEqualTo(new ServerSentEvent("b", "message", "2"));
      assertThat(listener.disconnects)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getMessage()).isEqualTo("malformed stream: invalid UTF-8 in line 5");
                assertThat(e.status()).isEqualTo(HeraldClientException.NO_STATUS);
              });
      hub.nextRequest();
      assertThat(hub.nextRequest().header("Last-Event-ID")).isEqualTo("a");
    }
  }

  /** Checks registered by the subscriber, run by the test when it moves the clock. */
  private static final class ManualWatchdog implements Watchdog {
    final AtomicLong nanos = new AtomicLong();
    final List<Runnable> checks = new CopyOnWriteArrayList<>();
    final List<Duration> periods = new CopyOnWriteArrayList<>();

    @Override
    public Cancel every(Duration period, Runnable check) {
      periods.add(period);
      checks.add(check);
      return () -> checks.remove(check);
    }

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
      checks.forEach(Runnable::run);
    }
  }

  @Test
  void aStreamSilentForTheReadTimeoutCountsAsLostAndTheSubscriberResumes() throws Exception {
    ManualWatchdog watchdog = new ManualWatchdog();
    // The first connection sends one event and then nothing, without closing: a half-open peer.
    try (ScriptedHub hub =
        new ScriptedHub(
            Answer.stream("id: a\ndata: 1\n\n", true), Answer.stream("id: b\ndata: 2\n\n", true))) {
      subscriber =
          subscribe(hub)
              .readTimeout(Duration.ofSeconds(60))
              .watchdog(watchdog, watchdog.nanos::get)
              .start(listener);
      assertThat(listener.next().id()).isEqualTo("a");
      assertThat(watchdog.periods).containsExactly(Duration.ofSeconds(15));

      watchdog.advance(Duration.ofSeconds(59));
      assertThat(listener.disconnects).isEmpty();
      watchdog.advance(Duration.ofSeconds(1));

      assertThat(listener.next().id()).isEqualTo("b");
      assertThat(listener.disconnects)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .isEqualTo(
                          "no data for PT1M (expected: events or heartbeats; see readTimeout)"));
      hub.nextRequest();
      assertThat(hub.nextRequest().header("Last-Event-ID")).isEqualTo("a");
    }
  }

  @Test
  void aZeroReadTimeoutWatchesNothing() throws Exception {
    ManualWatchdog watchdog = new ManualWatchdog();
    try (ScriptedHub hub = new ScriptedHub(Answer.stream("id: a\ndata: 1\n\n", true))) {
      subscriber =
          subscribe(hub)
              .readTimeout(Duration.ZERO)
              .watchdog(watchdog, watchdog.nanos::get)
              .start(listener);
      assertThat(listener.next().id()).isEqualTo("a");
      assertThat(watchdog.periods).isEmpty();
    }
  }

  @Test
  void oversizedLineEndsTheConnectionAndTheSubscriberReconnects() throws Exception {
    String huge = "data: " + "x".repeat(500) + "\n\n";
    try (ScriptedHub hub =
        new ScriptedHub(Answer.stream(huge, true), Answer.stream("data: small\n\n", true))) {
      subscriber = subscribe(hub).maxEventSize(256).start(listener);
      assertThat(listener.next().data()).isEqualTo("small");
      assertThat(listener.disconnects)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .isEqualTo("malformed stream: line 1 longer than 256 bytes"));
    }
  }

  @Test
  void eventCutOffMidwayIsAskedForAgain() throws Exception {
    try (ScriptedHub hub =
        new ScriptedHub(
            Answer.stream("id: a\ndata: 1\n\nid: b\ndata: 2\n", false),
            Answer.stream("id: b\ndata: 2\n\n", true))) {
      subscriber = subscribe(hub).start(listener);
      assertThat(listener.next().id()).isEqualTo("a");
      assertThat(listener.next().id()).isEqualTo("b");
      assertThat(hub.nextRequest().header("Last-Event-ID")).isNull();
      assertThat(hub.nextRequest().header("Last-Event-ID")).isEqualTo("a");
      assertThat(listener.disconnects)
          .singleElement()
          .satisfies(e -> assertThat(e.getMessage()).isEqualTo("stream ended"));
    }
  }

  @Test
  void retryFromTheStreamSetsTheReconnectionDelay() throws Exception {
    try (ScriptedHub hub =
        new ScriptedHub(
            Answer.stream("retry: 5000\ndata: x\n\n", false), Answer.stream("data: y\n\n", true))) {
      subscriber = subscribe(hub).retry(Duration.ofMillis(100)).start(listener);
      listener.next();
      listener.next();
      assertThat(subscriber.retry()).isEqualTo(Duration.ofSeconds(5));
      // A connection that delivered an event: the base delay, with jitter in [base / 2, base].
      assertThat(sleeper.delays)
          .singleElement()
          .satisfies(
              d -> assertThat(d).isBetween(Duration.ofMillis(2500), Duration.ofMillis(5000)));
    }
  }

  @Test
  void retryBeyondTheCapIsCapped() throws Exception {
    try (ScriptedHub hub =
        new ScriptedHub(
            Answer.stream("retry: 3600000\n\n", false), Answer.stream("data: y\n\n", true))) {
      subscriber = subscribe(hub).maxRetry(Duration.ofSeconds(10)).start(listener);
      listener.next();
      assertThat(subscriber.retry()).isEqualTo(Duration.ofSeconds(10));
    }
  }

  @Test
  void failingConnectionsBackOffExponentially() throws Exception {
    try (ScriptedHub hub =
        new ScriptedHub(
            Answer.status(500, "boom"), Answer.status(502, "bad gateway"),
            Answer.status(500, "boom"), Answer.stream("data: up\n\n", true))) {
      subscriber = subscribe(hub).retry(Duration.ofMillis(1000)).start(listener);
      assertThat(listener.next().data()).isEqualTo("up");
      assertThat(sleeper.delays).hasSize(3);
      assertThat(sleeper.delays.get(0)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2000));
      assertThat(sleeper.delays.get(1)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(4000));
      assertThat(sleeper.delays.get(2)).isBetween(Duration.ofMillis(4000), Duration.ofMillis(8000));
      assertThat(listener.disconnects)
          .extracting(HeraldClientException::getMessage)
          .containsExactly("HTTP 500: boom", "HTTP 502: bad gateway", "HTTP 500: boom");
    }
  }

  @Test
  void unavailableWithRetryAfterWaitsThatLong() throws Exception {
    try (ScriptedHub hub =
        new ScriptedHub(
            Answer.status(503, "not ready: shared log unreachable", "Retry-After: 7"),
            Answer.stream("data: up\n\n", true))) {
      subscriber = subscribe(hub).start(listener);
      listener.next();
      assertThat(sleeper.delays).containsExactly(Duration.ofSeconds(7));
      assertThat(listener.disconnects)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.reason()).isEqualTo("not ready: shared log unreachable");
              });
    }
  }

  @Test
  void notFoundStopsTheSubscriber() throws Exception {
    try (ScriptedHub hub = new ScriptedHub(Answer.status(404, "/wrong: not found"))) {
      subscriber = subscribe(hub).start(listener);
      HeraldClientException reason = listener.awaitClosed();
      assertThat(reason.getMessage()).isEqualTo("HTTP 404: /wrong: not found");
      assertThat(sleeper.delays).isEmpty();
    }
  }

  @Test
  void answerThatIsNotAnEventStreamStopsTheSubscriber() throws Exception {
    try (ScriptedHub hub =
        new ScriptedHub(
            Answer.of(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi"))) {
      subscriber = subscribe(hub).start(listener);
      assertThat(listener.awaitClosed().getMessage())
          .isEqualTo("HTTP 200 with Content-Type text/html (expected: text/event-stream)");
    }
  }

  @Test
  void closeUnblocksASubscriberWaitingForBytes() throws Exception {
    try (ScriptedHub hub = new ScriptedHub(Answer.stream(":\n", true))) {
      subscriber = subscribe(hub).start(listener);
      await().atMost(Loopback.WAIT).until(() -> listener.calls.contains("open"));
      subscriber.close();
      assertThat(subscriber.isClosed()).isTrue();
      assertThat(listener.calls).containsExactly("open", "closed ");
    }
  }

  @Test
  void closeDuringTheWaitBeforeAReconnectionStopsAtOnce() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Sleeper blocking =
        delay -> {
          waiting.countDown();
          never.await(); // a wait only close() ends, by interrupting it
        };
    try (ScriptedHub hub = new ScriptedHub(Answer.status(500, "boom"))) {
      subscriber =
          HeraldSubscriber.builder(hub.url()).topics(TOPIC).sleeper(blocking).start(listener);
      assertThat(
              waiting.await(Loopback.WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
          .isTrue();
      subscriber.close();
      assertThat(subscriber.isClosed()).isTrue();
      assertThat(listener.awaitClosed()).isNull();
    }
  }

  @Test
  void selectorsAreSentAsTopicParameters() throws Exception {
    try (ScriptedHub hub = new ScriptedHub(Answer.stream(":\n", true))) {
      subscriber =
          HeraldSubscriber.builder(hub.url())
              .topics(TOPIC, "https://example.com/a/{id}")
              .lastEventId("x1")
              .token("jwt-1")
              .start(listener);
      ScriptedHub.Request request = hub.nextRequest();
      assertThat(request.head())
          .startsWith(
              "GET /.well-known/mercure?topic="
                  + "https%3A%2F%2Fexample.com%2Fbooks%2F1&topic=https%3A%2F%2Fexample.com%2Fa%2F%7Bid%7D ");
      assertThat(request.header("Accept")).isEqualTo("text/event-stream");
      assertThat(request.header("Last-Event-ID")).isEqualTo("x1");
      assertThat(request.header("Authorization")).isEqualTo("Bearer jwt-1");
    }
  }

  @Test
  void tokenSupplierThatFailsIsRetriedLikeADroppedConnection() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    try (ScriptedHub hub = new ScriptedHub(Answer.stream("data: in\n\n", true))) {
      subscriber =
          subscribe(hub)
              .token(
                  () -> {
                    if (calls.getAndIncrement() == 0) {
                      throw new IllegalStateException("key service down");
                    }
                    return "jwt-2";
                  })
              .start(listener);
      assertThat(listener.next().data()).isEqualTo("in");
      assertThat(hub.nextRequest().header("Authorization")).isEqualTo("Bearer jwt-2");
      assertThat(listener.disconnects)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .isEqualTo(
                          "token supplier failed: java.lang.IllegalStateException: key service down"));
    }
  }
}
