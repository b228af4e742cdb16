package dev.herald.server;

import static dev.herald.server.HubErrorsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.sse.SseEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The authorization callback over real sockets: a small application ({@link CallbackApp}) decides
 * by its session cookie; its grants authorize like a token's, live and on replay; a slow or failing
 * application is a 503 and never a stream; a reconnect storm costs one call per identity.
 */
class AuthCallbackTest extends ServerTestBase {

  private static final String TEMPLATE = "https://example.com/users/{id}/notifications";
  private static final String ALICE = "https://example.com/users/alice/notifications";
  private static final String BOB = "https://example.com/users/bob/notifications";
  private static final String ORIGIN = "http://localhost:5173";

  private final CallbackApp app = newApp();

  private static CallbackApp newApp() {
    try {
      return new CallbackApp();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  AuthCallbackConfig callback() {
    return AuthCallbackConfig.of(app.url()).withCookies(List.of(CallbackApp.COOKIE));
  }

  @Override
  ServerConfig.Builder config() {
    return super.config().anonymous(false).authCallback(callback());
  }

  @AfterEach
  void stopApp() {
    app.close();
  }

  private static Map<String, String> cookie(String session) {
    return Map.of("Cookie", "other=not-forwarded; " + CallbackApp.COOKIE + "=" + session);
  }

  private String publishPrivate(String topic, String data) throws Exception {
    return publishOk("topic=" + enc(topic) + "&data=" + data + "&private=on");
  }

  @Test
  void aSubscriberWithItsSessionCookieReceivesItsOwnPrivateUpdatesLiveAndReplayed()
      throws Exception {
    app.session("alice", new CallbackApp.Session(List.of(ALICE), List.of(), null));
    String before = publishOk("topic=" + enc(ALICE) + "&data=public");
    publishPrivate(ALICE, "a1");
    publishPrivate(BOB, "b1");
    URI uri = subscribeUri(TEMPLATE);
    try (SseClient alice =
        SseClient.open(
            http,
            uri,
            Map.of(
                "Cookie",
                cookie("alice").get("Cookie"),
                "Last-Event-ID",
                before,
                "Origin",
                ORIGIN))) {
      assertThat(alice.next().data()).as("replayed, hers").isEqualTo("a1");
      publishPrivate(BOB, "b2");
      publishPrivate(ALICE, "a2");
      assertThat(alice.next().data()).as("live, hers; bob's skipped").isEqualTo("a2");
    }
    assertThat(app.questions).hasSize(1);
    Map<String, Object> question = app.questions.get(0);
    assertThat(question)
        .containsEntry("action", "subscribe")
        .containsEntry("topics", List.of(TEMPLATE))
        .containsEntry("protocol", "draft-07")
        .containsEntry("cookies", Map.of(CallbackApp.COOKIE, "alice"))
        .containsEntry("origin", ORIGIN)
        .containsEntry("remote_address", "127.0.0.1")
        .containsEntry("authorization", null);
  }

  @Test
  void aDraft08SubscriberIsDecidedTheSameWayLiveAndReplayed() throws Exception {
    app.session("alice", new CallbackApp.Session(List.of(ALICE), List.of(), null));
    String before = publishOk("topic=" + enc(ALICE) + "&data=public");
    publishPrivate(ALICE, "a1");
    publishPrivate(BOB, "b1");
    URI uri =
        URI.create(
            base
                + "/.well-known/mercure?match="
                + enc(ALICE)
                + "&match="
                + enc(BOB)
                + "&last_event_id="
                + enc(before));
    try (SseClient alice = SseClient.open(http, uri, cookie("alice"))) {
      assertThat(alice.response.headers().firstValue("mercure-last-event-id")).hasValue(before);
      assertThat(alice.next().data()).as("replayed, hers").isEqualTo("a1");
      publishPrivate(BOB, "b2");
      publishPrivate(ALICE, "a2");
      assertThat(alice.next().data()).as("live, hers; bob's skipped").isEqualTo("a2");
    }
    assertThat(app.questions.get(0))
        .containsEntry("protocol", "draft-08")
        .containsEntry("topics", List.of(ALICE, BOB));
  }

  @Test
  void withoutTheCookieTheApplicationSaysNoAndTheHubAnswers401() throws Exception {
    HttpResponse<String> response = get("/.well-known/mercure?topic=" + enc(ALICE), Map.of());
    assertError(response, 401, "authorization callback: no session");
    assertThat(response.headers().firstValue("www-authenticate").orElse(""))
        .startsWith("Bearer realm=\"mercure\"");
    assertThat(server.hub().subscriberCount()).isZero();
  }

  @Test
  void withAnonymousSubscribersAUserTheApplicationDoesNotKnowGetsPublicUpdatesOnly()
      throws Exception {
    restart(config().anonymous(true).build());
    app.session("alice", new CallbackApp.Session(List.of(ALICE), List.of(), null));
    try (SseClient stranger = SseClient.open(http, subscribeUri(TEMPLATE), cookie("mallory"));
        SseClient alice = SseClient.open(http, subscribeUri(TEMPLATE), cookie("alice"))) {
      publishPrivate(ALICE, "secret");
      publishOk("topic=" + enc(ALICE) + "&data=public");
      assertThat(alice.next().data()).isEqualTo("secret");
      assertThat(stranger.next().data()).as("the private one skipped").isEqualTo("public");
    }
  }

  @Test
  void aPublishGrantedByTheApplicationNeedsAnAllowedOriginAndAMatchingTopic() throws Exception {
    app.session("editor", new CallbackApp.Session(List.of(), List.of(TEMPLATE), null));
    Map<String, String> fromPage =
        Map.of("Cookie", cookie("editor").get("Cookie"), "Origin", ORIGIN);
    String form = "topic=" + enc(ALICE) + "&data=hello";
    assertThat(publish(form, fromPage).statusCode()).isEqualTo(200);
    assertError(publish("topic=elsewhere&data=x", fromPage), 403, "is not matched by");
    assertError(
        publish(form, cookie("editor")), 403, "cookie-authenticated publish without Origin");
    assertError(publish(form, Map.of("Origin", ORIGIN)), 401, "authorization callback");
    assertThat(app.questions.get(0))
        .containsEntry("action", "publish")
        .containsEntry("topics", List.of(ALICE));
  }

  @Test
  void aValidTokenIsNotSentToTheApplicationUnlessItDecidesEveryRequest() throws Exception {
    String token = token(null, List.of("*"), null);
    try (SseClient sub =
        SseClient.open(http, subscribeUri(ALICE), Map.of("Authorization", "Bearer " + token))) {
      assertThat(app.calls.get()).isZero();
    }
    restart(super.config().anonymous(false).authCallback(callback().withAlways(true)).build());
    HttpResponse<String> asked =
        get("/.well-known/mercure?topic=" + enc(ALICE), Map.of("Authorization", "Bearer " + token));
    assertError(asked, 401, "authorization callback: no session");
    assertThat(app.questions.get(0)).containsEntry("authorization", "Bearer " + token);
  }

  @Test
  void aSlowApplicationIs503WithRetryAfterAndNeverAStream() throws Exception {
    restart(config().authCallback(callback().withTimeout(Duration.ofMillis(300))).build());
    app.mode = CallbackApp.Mode.SLOW;
    HttpResponse<String> response = get("/.well-known/mercure?topic=" + enc(ALICE), cookie("a"));
    assertError(response, 503, "authorization callback did not answer within 300 ms");
    assertThat(response.headers().firstValue("retry-after")).isPresent();
    assertThat(server.hub().subscriberCount()).isZero();
    assertThat(get("/metrics", Map.of()).body())
        .contains("herald_auth_callback_total{outcome=\"timeout\"} 1.0");
  }

  @Test
  void pastTheBoundOfCallsInFlightARequestIs503AtOnce() throws Exception {
    restart(
        config()
            .authCallback(callback().withMaxConcurrent(1).withTimeout(Duration.ofSeconds(20)))
            .build());
    app.mode = CallbackApp.Mode.SLOW;
    var hanging =
        http.sendAsync(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(base + "/.well-known/mercure?topic=" + enc(ALICE)))
                .header("Cookie", "session=first")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> app.calls.get() == 1);
    HttpResponse<String> refused =
        get("/.well-known/mercure?topic=" + enc(ALICE), cookie("second"));
    assertError(refused, 503, "authorization callback busy: 1 calls in flight (the limit)");
    assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
    assertThat(app.calls.get()).as("the second was never sent").isEqualTo(1);
    app.close(); // the application answers the first at last: 500, a 503 and still no stream
    assertThat(hanging.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
    assertThat(server.hub().subscriberCount()).isZero();
  }

  @Test
  void anUnreadableOrOversizedAnswerIs503NeverAGrant() throws Exception {
    app.mode = CallbackApp.Mode.MALFORMED;
    assertError(
        get("/.well-known/mercure?topic=" + enc(ALICE), cookie("a")),
        503,
        "authorization callback answer unreadable: subscribe: not a list"
            + " (expected: a list of strings)");
    app.mode = CallbackApp.Mode.HUGE;
    assertError(
        get("/.well-known/mercure?topic=" + enc(ALICE), cookie("a")),
        503,
        "answer larger than 65536 bytes");
    assertThat(server.hub().subscriberCount()).isZero();
  }

  @Test
  void aFailingApplicationOpensTheCircuitAndIsNoLongerAsked() throws Exception {
    restart(config().authCallback(callback().withCircuit(3, Duration.ofHours(1))).build());
    app.mode = CallbackApp.Mode.FAIL;
    for (int i = 0; i < 3; i++) {
      assertError(
          get("/.well-known/mercure?topic=" + enc(ALICE), cookie("a")),
          503,
          "authorization callback answered 500 (expected: 200, 401 or 403)");
    }
    HttpResponse<String> open = get("/.well-known/mercure?topic=" + enc(ALICE), cookie("a"));
    assertError(open, 503, "circuit open");
    assertThat(open.headers().firstValue("retry-after")).hasValue("3600");
    assertError(publish("topic=t&data=x", cookie("a")), 403, "without Origin");
    assertThat(app.calls.get()).isEqualTo(3);
    String metrics = get("/metrics", Map.of()).body();
    assertThat(metrics)
        .contains("herald_auth_callback_total{outcome=\"failed\"} 3.0")
        .contains("herald_auth_callback_total{outcome=\"circuit_open\"} 1.0");
  }

  @Test
  void aReconnectStormOf1000SubscribersCostsOneCallPerIdentity() throws Exception {
    int identities = 10;
    for (int i = 0; i < identities; i++) {
      app.session("user" + i, new CallbackApp.Session(List.of(ALICE), List.of(), 60));
    }
    ExecutorService storm = Executors.newFixedThreadPool(32);
    try {
      List<Future<String>> statuses = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        String session = "user" + (i % identities);
        statuses.add(storm.submit(() -> statusLineOfASubscribe(session)));
      }
      for (Future<String> status : statuses) {
        assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo("HTTP/1.1 200 OK");
      }
    } finally {
      storm.shutdownNow();
    }
    assertThat(app.calls.get()).isBetween(1, identities);
  }

  /** One subscriber of the storm: connects, reads the status line, goes away. */
  private String statusLineOfASubscribe(String session) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /.well-known/mercure?topic="
                  + enc(TEMPLATE)
                  + " HTTP/1.1\r\nHost: localhost\r\nCookie: session="
                  + session
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void aStreamEndsWhenItsGrantExpiresAndTheNextOneIsDecidedAfresh() throws Exception {
    app.session("brief", new CallbackApp.Session(List.of(ALICE), List.of(), 1));
    try (SseClient sub = SseClient.open(http, subscribeUri(ALICE), cookie("brief"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> sub.endedByTheHub);
    }
    try (SseClient again = SseClient.open(http, subscribeUri(ALICE), cookie("brief"))) {
      publishPrivate(ALICE, "after");
      SseEvent event = again.next();
      assertThat(event.data()).isEqualTo("after");
    }
    assertThat(app.calls.get()).as("the expired grant was not reused").isEqualTo(2);
  }
}
