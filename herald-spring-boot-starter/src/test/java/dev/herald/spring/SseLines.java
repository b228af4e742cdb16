package dev.herald.spring;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser-style subscriber: a plain HTTP GET reading {@code text/event-stream} line by line. Its
 * reader runs on a thread of its own and hands lines over a queue; "<eof>" marks the end.
 */
final class SseLines implements AutoCloseable {

  static final String EOF = "<eof>";
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(10_000);
  private final InputStream body;
  final HttpResponse<InputStream> response;

  private SseLines(HttpResponse<InputStream> response) {
    this.response = response;
    this.body = response.body();
    Thread reader = new Thread(this::read, "sse-lines");
    reader.setDaemon(true);
    reader.start();
  }

  /** As {@link #open(URI)}, with these request headers (a session cookie). */
  static SseLines open(URI uri, java.util.Map<String, String> headers) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    headers.forEach(request::header);
    return new SseLines(
        http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  static SseLines open(URI uri) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build();
    return new SseLines(http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
  }

  private void read() {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines.offer(line);
      }
    } catch (Exception e) {
      // closed by the test or the hub: the end of the stream either way
    }
    lines.offer(EOF);
  }

  /** The next line starting with {@code prefix}, skipping others; fails after a bounded wait. */
  String next(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no line starting with '" + prefix + "' within " + WAIT);
      }
      if (line.startsWith(prefix) || line.equals(EOF)) {
        return line;
      }
    }
  }

  @Override
  public void close() throws Exception {
    body.close();
  }
}
