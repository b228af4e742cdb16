package dev.herald.outbox;

import static org.awaitility.Awaitility.await;

import dev.herald.core.sse.SseEvent;
import dev.herald.core.sse.SseParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A subscriber to every topic over a real socket, its lines parsed on a thread of its own; the
 * events it got can be read from any thread.
 */
final class Replay implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final List<SseEvent> events = new CopyOnWriteArrayList<>();
  private final HttpResponse<Stream<String>> response;

  private Replay(HttpResponse<Stream<String>> response) {
    this.response = response;
    SseParser.follow(response.body(), events::add, "replay-reader", () -> {});
  }

  /** Subscribes to every topic; from the first retained event when {@code fromEarliest}. */
  static Replay open(String base, boolean fromEarliest) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure?topic=*"))
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(20));
    if (fromEarliest) {
      request.header("Last-Event-ID", "earliest");
    }
    HttpResponse<Stream<String>> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      throw new AssertionError("subscribe: " + response.statusCode());
    }
    return new Replay(response);
  }

  /**
   * The data of every event retained by the hub at {@code base}, oldest first, up to and including
   * the one whose data is {@code last}: a row inserted after all the others, so "nothing more" is
   * checked by an event, not by waiting.
   */
  static List<String> everything(String base, String last, Duration within) throws Exception {
    try (Replay replay = open(base, true)) {
      await().atMost(within).until(() -> replay.data().contains(last));
      List<String> data = new ArrayList<>(replay.data());
      return data.subList(0, data.indexOf(last) + 1);
    }
  }

  List<String> data() {
    return events.stream().map(SseEvent::data).toList();
  }

  @Override
  public void close() {
    response.body().close();
  }
}
