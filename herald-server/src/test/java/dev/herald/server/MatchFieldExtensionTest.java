package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.launchdarkly.eventsource.ConnectStrategy;
import com.launchdarkly.eventsource.EventSource;
import com.launchdarkly.eventsource.MessageEvent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hub side of herald.js over real sockets: the opt-in {@code herald-match} field on the wire,
 * untouched streams for everyone else, and {@code /herald.js} served from the jar.
 *
 * <p>Runs on the JUnit thread; SseClient readers run on their own.
 */
class MatchFieldExtensionTest extends ServerTestBase {

  private URI withMatch(String value, String... topics) {
    return URI.create(subscribeUri(topics) + "&herald-match=" + value);
  }

  /** The raw lines of the next event's frame, from its id line to the blank line before it. */
  private static List<String> frame(SseClient client, String id) {
    List<String> lines = client.rawLines;
    int start = lines.indexOf("id: " + id);
    assertThat(start).as("the id line of %s in %s", id, lines).isNotNegative();
    int end = lines.subList(start, lines.size()).indexOf("") + start;
    return lines.subList(start, end);
  }

  @Test
  void eachEventNamesTheSelectorsThatMatchedByPositionBeforeItsBlankLine() throws Exception {
    try (SseClient client =
        SseClient.open(http, withMatch("1", "https://example.com/news", BOOKS, "*"), Map.of())) {
      String id = publishOk("topic=" + enc("https://example.com/books/1") + "&data=" + enc("a\nb"));
      assertThat(client.next().data()).isEqualTo("a\nb");
      assertThat(frame(client, id))
          .containsExactly("id: " + id, "data: a", "data: b", "herald-match: 1 2");
    }
  }

  @Test
  void withoutTheParameterTheFrameIsTheStandardOne() throws Exception {
    try (SseClient client = SseClient.open(http, subscribeUri("t"), Map.of());
        SseClient off = SseClient.open(http, withMatch("0", "t"), Map.of())) {
      String id = publishOk("topic=t&data=x");
      client.next();
      off.next();
      assertThat(frame(client, id)).containsExactly("id: " + id, "data: x");
      assertThat(frame(off, id)).containsExactly("id: " + id, "data: x");
    }
  }

  @Test
  void aBadValueIsRefusedWithTheReason() throws Exception {
    HttpResponse<String> response =
        get("/.well-known/mercure?topic=t&herald-match=yes", Map.of("Accept", "text/event-stream"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("herald-match: 'yes' (expected: 1 or 0)");
  }

  @Test
  void aThirdPartyEventSourceClientIgnoresTheField() throws Exception {
    EventSource client =
        new EventSource.Builder(
                ConnectStrategy.http(withMatch("1", "a", "b")).readTimeout(30, TimeUnit.SECONDS))
            .build();
    try {
      client.start();
      String id = publishOk("topic=b&data=hello&type=greeting");
      MessageEvent event = client.readMessage();
      assertThat(event.getData()).isEqualTo("hello");
      assertThat(event.getEventName()).isEqualTo("greeting");
      assertThat(event.getLastEventId()).isEqualTo(id);
    } finally {
      client.close();
    }
  }

  @Test
  void theClientIsServedFromTheJarCacheableAndRevalidatedByEtag() throws Exception {
    HttpResponse<String> script = get("/herald.js", Map.of("Origin", "http://localhost:5173"));
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("content-type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(script.headers().firstValue("cache-control")).hasValue("public, max-age=3600");
    // A page of another origin imports it as a module, which needs CORS.
    assertThat(script.headers().firstValue("access-control-allow-origin"))
        .hasValue("http://localhost:5173");
    assertThat(script.body()).contains("export class Herald");
    String etag = script.headers().firstValue("etag").orElseThrow();

    HttpResponse<String> again = get("/herald.js", Map.of("If-None-Match", etag));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers().firstValue("etag")).hasValue(etag);
  }
}
