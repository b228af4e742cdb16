package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.sse.SseEvent;
import dev.herald.core.sse.SseParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A test subscriber over a real socket: parses the stream on its own thread. */
final class SseClient implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(10);

  final HttpResponse<Stream<String>> response;
  final List<String> rawLines = new CopyOnWriteArrayList<>();
  private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
  private final Thread reader;
  volatile boolean ended;

  /** Whether the hub ended the stream (its last chunk read), rather than a reset or the test. */
  volatile boolean endedByTheHub;

  private SseClient(HttpResponse<Stream<String>> response) {
    this.response = response;
    SseParser parser = new SseParser(events::add);
    this.reader =
        new Thread(
            () -> {
              try {
                Iterator<String> lines = response.body().iterator();
                while (lines.hasNext()) {
                  String line = lines.next();
                  rawLines.add(line);
                  parser.line(line);
                }
                endedByTheHub = true;
              } catch (RuntimeException closed) {
                // the test closed the stream
              } finally {
                ended = true;
              }
            },
            "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  static SseClient open(HttpClient client, URI uri, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    headers.forEach(request::header);
    HttpResponse<Stream<String>> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).as("subscribe status").isEqualTo(200);
    return new SseClient(response);
  }

  SseEvent next() throws InterruptedException {
    SseEvent event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).as("an event within " + WAIT).isNotNull();
    return event;
  }

  boolean hasQueuedEvents() {
    return !events.isEmpty();
  }

  @Override
  public void close() {
    response.body().close();
  }
}
