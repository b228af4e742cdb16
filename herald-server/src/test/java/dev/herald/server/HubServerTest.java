package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.sse.SseEvent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Mercure hub over real sockets: subscribe, publish, authorization, reconnection. */
class HubServerTest extends ServerTestBase {

  @Test
  void aLocalHubIsAliveAndAlwaysReady() throws Exception {
    assertThat(get("/healthz", Map.of()).body()).isEqualTo("ok\n");
    HttpResponse<String> ready = get("/readyz", Map.of());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready\n");
    assertThat(ready.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void subscriberReceivesAPublishedUpdateWithTheIdTheHubReturned() throws Exception {
    try (SseClient sub =
        SseClient.open(http, subscribeUri("https://example.com/books/1"), Map.of())) {
      assertThat(sub.response.headers().firstValue("content-type")).hasValue("text/event-stream");
      assertThat(sub.response.headers().firstValue("x-accel-buffering")).hasValue("no");
      assertThat(sub.response.headers().firstValue("cache-control").orElse(""))
          .contains("no-cache");
      assertThat(sub.response.headers().firstValue("link").orElse("")).contains("rel=\"mercure\"");
      String id =
          publishOk(
              "topic=" + enc("https://example.com/books/1") + "&data=" + enc("{\"a\":1}\nsecond"));
      assertThat(id).startsWith("urn:uuid:");
      SseEvent event = sub.next();
      assertThat(event.id()).isEqualTo(id);
      assertThat(event.data()).isEqualTo("{\"a\":1}\nsecond");
    }
  }

  @Test
  void oneConnectionCarriesManySelectorsAndTemplatesMatchOnlyTheirTopics() throws Exception {
    try (SseClient sub =
        SseClient.open(http, subscribeUri("https://example.com/a", BOOKS), Map.of())) {
      publishOk("topic=" + enc("https://example.com/movies/1") + "&data=movie");
      publishOk(
          "topic=" + enc("https://example.com/books/7") + "&data=book&type=changed&id=urn:book:7");
      publishOk("topic=" + enc("https://example.com/a") + "&data=a");
      SseEvent book = sub.next();
      assertThat(book).isEqualTo(new SseEvent("urn:book:7", "changed", "book", null));
      assertThat(sub.next().data()).isEqualTo("a");
    }
  }

  @Test
  void privateUpdatesNeedAMatchingSubscribeClaim() throws Exception {
    Map<String, String> allowed = subscriberCredentials(List.of("https://example.com/books/{id}"));
    try (SseClient anonymous = SseClient.open(http, subscribeUri(BOOKS), Map.of());
        SseClient authorized = SseClient.open(http, subscribeUri(BOOKS), allowed)) {
      publishOk("topic=" + enc("https://example.com/books/1") + "&data=secret&private=on");
      publishOk("topic=" + enc("https://example.com/books/2") + "&data=public");
      assertThat(authorized.next().data()).isEqualTo("secret");
      assertThat(authorized.next().data()).isEqualTo("public");
      assertThat(anonymous.next().data()).as("the private update is skipped").isEqualTo("public");
    }
  }

  @Test
  void tokenInQueryParameterAndCookieAreAccepted() throws Exception {
    String allowed = token(null, List.of("*"), null);
    URI viaQuery = URI.create(subscribeUri(BOOKS) + "&authorization=" + allowed);
    try (SseClient query = SseClient.open(http, viaQuery, Map.of());
        SseClient cookie =
            SseClient.open(
                http, subscribeUri(BOOKS), Map.of("Cookie", "mercureAuthorization=" + allowed))) {
      publishOk("topic=" + enc("https://example.com/books/1") + "&data=secret&private=on");
      assertThat(query.next().data()).isEqualTo("secret");
      assertThat(cookie.next().data()).isEqualTo("secret");
    }
  }

  @Test
  void reconnectingWithLastEventIdReplaysWhatWasMissed() throws Exception {
    String first = publishOk("topic=t&data=1");
    publishOk("topic=t&data=2");
    publishOk("topic=other&data=x");
    publishOk("topic=t&data=3");
    try (SseClient header =
            SseClient.open(http, subscribeUri("t"), Map.of("Last-Event-ID", first));
        SseClient query =
            SseClient.open(
                http, URI.create(subscribeUri("t") + "&lastEventID=" + enc(first)), Map.of())) {
      assertThat(header.response.headers().firstValue("last-event-id")).hasValue(first);
      assertThat(header.next().data()).isEqualTo("2");
      assertThat(header.next().data()).isEqualTo("3");
      assertThat(query.next().data()).isEqualTo("2");
      publishOk("topic=t&data=4");
      assertThat(header.next().data()).isEqualTo("4");
      assertThat(query.next().data()).isEqualTo("3");
    }
  }

  @Test
  void headerWinsOverQueryParameterAndUnknownIdSaysEarliest() throws Exception {
    String first = publishOk("topic=t&data=1");
    publishOk("topic=t&data=2");
    URI uri = URI.create(subscribeUri("t") + "&lastEventID=" + enc(first));
    try (SseClient sub = SseClient.open(http, uri, Map.of("Last-Event-ID", "urn:unknown"))) {
      assertThat(sub.response.headers().firstValue("last-event-id")).hasValue("earliest");
      assertThat(sub.next().data()).as("everything retained").isEqualTo("1");
      assertThat(sub.next().data()).isEqualTo("2");
    }
  }

  @Test
  void disconnectReleasesTheSubscriber() throws Exception {
    SseClient sub = SseClient.open(http, subscribeUri("t"), Map.of());
    await().atMost(Duration.ofSeconds(5)).until(() -> server.hub().subscriberCount() == 1);
    sub.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> server.hub().subscriberCount() == 0);
  }

  // Heartbeats are timed on simulated time in StreamTimersTest, which also checks that the
  // server's configured heartbeat is the one a stream gets: no test here waits on a real clock.

  @Test
  void streamClosesWhenTheTokenExpiresAndOnlyThatStream() throws Exception {
    restart(config().anonymous(false).build());
    String shortLived = token(null, List.of("*"), Duration.ofSeconds(2));
    String longLived = token(null, List.of("*"), Duration.ofHours(1));
    try (SseClient expiring =
            SseClient.open(
                http, subscribeUri("t"), Map.of("Authorization", "Bearer " + shortLived));
        SseClient staying =
            SseClient.open(
                http, subscribeUri("t"), Map.of("Authorization", "Bearer " + longLived))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> expiring.ended);
      // Its own token ended it: the hub finished the response, and the same hub kept the other.
      assertThat(expiring.endedByTheHub).as("ended by the hub, not reset").isTrue();
      assertThat(staying.ended).as("a stream whose token is still valid").isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() -> server.hub().subscriberCount() == 1);
    }
  }

  @Test
  void demoStreamSaysConnectedThenTellsTheTime() throws Exception {
    try (SseClient demo =
        SseClient.open(
            http, URI.create(base + "/sse"), Map.of("Origin", "http://localhost:5173"))) {
      assertThat(demo.response.headers().firstValue("access-control-allow-origin"))
          .hasValue("http://localhost:5173");
      SseEvent connected = demo.next();
      assertThat(connected.data()).isEqualTo("connected");
      SseEvent time = demo.next();
      assertThat(time.data())
          .matches("server time: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(time.id()).startsWith("urn:uuid:");
      // a reconnect resumes after the last id seen
      try (SseClient resumed =
          SseClient.open(http, URI.create(base + "/sse"), Map.of("Last-Event-ID", time.id()))) {
        assertThat(resumed.next().data()).isEqualTo("connected");
        SseEvent next = resumed.next();
        assertThat(next.data()).startsWith("server time: ");
        assertThat(next.id()).isNotEqualTo(time.id());
      }
    }
  }

  @Test
  void demoPageIsServedWithDiscoveryLinkAndVueFromTheWebjar() throws Exception {
    HttpResponse<String> page = get("/", Map.of());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(page.headers().firstValue("link").orElse(""))
        .isEqualTo("</.well-known/mercure>; rel=\"mercure\"");
    assertThat(page.body()).contains("id=\"connect\"").contains("/ui/app.js");
    assertThat(get("/ui/app.js", Map.of()).body()).contains("./stream.js");
    assertThat(get("/ui/stream.js", Map.of()).body()).contains("new EventSource(");
    assertThat(get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", Map.of()).statusCode())
        .isEqualTo(200);
    assertThat(get("/webjars/vue/3.5.26/dist/vue.esm-browser.prod.js", Map.of()).statusCode())
        .isEqualTo(200);
    assertThat(get("/ui/../../etc/passwd", Map.of()).statusCode()).isEqualTo(404);
  }
}
