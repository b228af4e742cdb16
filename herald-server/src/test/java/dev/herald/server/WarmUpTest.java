package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.MutableClock;
import dev.herald.core.auth.TokenMinter;
import dev.herald.core.sse.SseEvent;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up: {@code /readyz} answers 503 while it runs and 200 after, its events never
 * reach or get replayed to a real subscriber, closing a server during it leaves nothing behind, and
 * {@code warmUp(0)} starts ready. Real sockets; the warm-up's end is driven by a clock the test
 * moves, never by waiting for wall-clock time. Runs on the JUnit thread.
 */
class WarmUpTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static final JwtKey KEY = JwtKey.parse("HS256", SECRET);

  /** Long enough that only the test's clock, never the load's own count, ends the warm-up. */
  private static final Duration WARM_UP = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock(Instant.now());
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private HeraldServer server;
  private String base;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void readinessAnswers503UntilTheWarmUpEndsThen200() throws Exception {
    start(config().warmUp(WARM_UP));

    await().atMost(Duration.ofSeconds(20)).until(() -> server.warmUp().publishes() > 200);
    HttpResponse<String> warming = get("/readyz");
    assertThat(warming.statusCode()).isEqualTo(503);
    assertThat(warming.body()).contains("warming up").doesNotContain("\n\n");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(server.readiness().ready()).isFalse();

    clock.advance(WARM_UP);

    await().atMost(Duration.ofSeconds(20)).until(() -> get("/readyz").statusCode() == 200);
    assertThat(server.warmUp().done()).isTrue();
    assertThat(warmUpThreads()).isEmpty();
  }

  @Test
  void warmUpEventsNeverReachNorReplayToARealSubscriber() throws Exception {
    start(config().warmUp(WARM_UP));
    String everything = TokenMinter.mint(KEY, null, List.of("*"), null, null, clock);
    Map<String, String> bearer = Map.of("Authorization", "Bearer " + everything);

    try (SseClient during = SseClient.open(http, subscribeUri("*"), bearer)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> server.warmUp().publishes() > 1_000);
      clock.advance(WARM_UP);
      await().atMost(Duration.ofSeconds(20)).until(() -> server.warmUp().done());

      try (SseClient after = SseClient.open(http, subscribeUri("*"), bearer)) {
        String id = publish("https://example.com/books/1", "real");
        // The first event either stream gets is the real one: nothing of the warm-up came before.
        assertThat(during.next().id()).isEqualTo(id);
        assertThat(after.next().id()).isEqualTo(id);
      }
      try (SseClient resumed =
          SseClient.open(http, URI.create(subscribeUri("*") + "&lastEventID=earliest"), bearer)) {
        SseEvent replayed = resumed.next();
        assertThat(replayed.id()).isNotEqualTo(null);
        assertThat(replayed.data()).isEqualTo("real");
        // Nothing may follow the replay but what is published later.
        String later = publish("https://example.com/books/1", "later");
        assertThat(resumed.next().id()).isEqualTo(later);
      }
    }
    assertThat(server.hub().historySize())
        .as("the two real events, none of the warm-up")
        .isEqualTo(2);
  }

  @Test
  void closingTheServerDuringTheWarmUpLeavesNoThreadOrSocketBehind() throws Exception {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    start(config().warmUp(WARM_UP));
    await().atMost(Duration.ofSeconds(20)).until(() -> server.warmUp().publishes() > 100);
    InetSocketAddress warmUpListener = server.warmUp().address();

    server.close();

    assertThat(server.warmUp().done()).isTrue();
    assertThatThrownBy(
            () ->
                new java.net.Socket(warmUpListener.getAddress(), warmUpListener.getPort()).close())
        .isInstanceOf(IOException.class);
    assertNoThreadLeftSince(before);
  }

  @Test
  void aStartThatFailsToBindStartsNoWarmUp() throws Exception {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ServerConfig config =
          config()
              .warmUp(WARM_UP)
              .adminListen(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()))
              .build();
      assertThatThrownBy(
              () -> HeraldServer.builder(config).hub(new Hub(config.hub())).clock(clock).start())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Address already in use");
    }
    assertNoThreadLeftSince(before);
  }

  @Test
  void noWarmUpStartsReadyAtOnce() throws Exception {
    start(config().warmUp(Duration.ZERO));

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(server.warmUp()).isSameAs(WarmUp.NONE);
    assertThat(warmUpThreads()).isEmpty();
  }

  @Test
  void aWarmUpBeyondTheLimitIsRefused() {
    assertThatThrownBy(() -> config().warmUp(Duration.ofHours(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("warm-up: PT1H");
  }

  private ServerConfig.Builder config() {
    return ServerConfig.builder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
        .hub(HubConfig.DEFAULTS.withHistorySize(100))
        .publisherKey(KEY)
        .subscriberKey(KEY)
        .demo(false);
  }

  private void start(ServerConfig.Builder config) throws Exception {
    ServerConfig built = config.build();
    server = HeraldServer.builder(built).hub(new Hub(built.hub())).clock(clock).start();
    base = "http://127.0.0.1:" + server.port();
  }

  private String publish(String topic, String data) throws Exception {
    String publisher = TokenMinter.mint(KEY, List.of("*"), null, null, null, clock);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Bearer " + publisher)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "topic=" + enc(topic) + "&data=" + enc(data)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI subscribeUri(String topic) {
    return URI.create(base + "/.well-known/mercure?topic=" + enc(topic));
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static Set<String> warmUpThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().equals("herald-warm-up"))
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  /** As {@link FailedStartTest}: no server thread (event loop, dispatcher, warm-up) remains. */
  private static void assertNoThreadLeftSince(Set<Thread> before) throws InterruptedException {
    assertThat(GlobalEventExecutor.INSTANCE.awaitInactivity(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Set<String> left =
                  Thread.getAllStackTraces().keySet().stream()
                      .filter(thread -> !before.contains(thread) && thread.isAlive())
                      .filter(
                          thread -> !thread.isDaemon() || thread.getName().startsWith("herald-"))
                      .map(Thread::getName)
                      .filter(name -> !name.startsWith("awaitility")) // the thread checking this
                      .collect(Collectors.toSet());
              assertThat(left).isEmpty();
            });
  }
}
