package dev.herald.redis;

import dev.herald.core.sse.SseEvent;
import dev.herald.core.sse.SseParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A test client of one event stream over a real socket, its lines parsed on a thread of its own;
 * the events it got and whether the hub ended the stream can be read from any thread.
 */
final class SseSubscriber implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final HttpResponse<Stream<String>> response;
  final List<SseEvent> events = new CopyOnWriteArrayList<>();
  private volatile boolean ended;

  private SseSubscriber(HttpResponse<Stream<String>> response) {
    this.response = response;
    SseParser.follow(response.body(), events::add, "sse-subscriber", () -> ended = true);
  }

  /**
   * Subscribes to {@code topic} on the node at {@code base}, resuming after {@code lastEventId}
   * when it is not null.
   */
  static SseSubscriber open(String base, String topic, String lastEventId) throws Exception {
    return open(base, topic, lastEventId, null);
  }

  /** As {@link #open(String, String, String)}, with a subscriber's token (null: anonymous). */
  static SseSubscriber open(String base, String topic, String lastEventId, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure?topic=" + Node.enc(topic)))
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(20));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      throw new AssertionError("subscribe: " + response.statusCode());
    }
    return new SseSubscriber(response);
  }

  /** The {@code Last-Event-ID} response header: where the replay started, or null. */
  String lastEventIdHeader() {
    return response.headers().firstValue("Last-Event-ID").orElse(null);
  }

  List<String> data() {
    return events.stream().map(SseEvent::data).toList();
  }

  List<String> ids() {
    return events.stream().map(SseEvent::id).toList();
  }

  String lastId() {
    return events.isEmpty() ? null : events.get(events.size() - 1).id();
  }

  boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    response.body().close();
  }
}
