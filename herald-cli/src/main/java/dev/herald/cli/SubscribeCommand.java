package dev.herald.cli;

import dev.herald.core.sse.SseEvent;
import dev.herald.core.sse.SseParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Subscribes to topics and prints events as they arrive; reconnects with backoff and jitter and
 * resumes with {@code Last-Event-ID}, as a browser's {@code EventSource} does.
 */
@Command(name = "subscribe", mixinStandardHelpOptions = true,
    description = "Prints a hub's events as they arrive; reconnects and resumes by itself.")
final class SubscribeCommand implements Callable<Integer> {

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Option(names = "--hub", required = true, description = "Hub URL, e.g. http://localhost:3000/.well-known/mercure")
  URI hub;

  @Option(names = "--topic", required = true, description = "Topic selector; repeatable.")
  List<String> topics;

  @Option(names = "--last-event-id", description = "Resume after this event id (or 'earliest').")
  String lastEventId;

  @Option(names = "--token", description = "Subscriber JWT (needed for private updates).")
  String token;

  @Option(names = "--max-events", description = "Exit after this many events (default: run until stopped).")
  Long maxEvents;

  private long received;

  /** The base reconnection delay until the stream sends {@code retry:}; tests shorten it. */
  Duration retry = Duration.ofSeconds(1);

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    int failures = 0;
    while (true) {
      try {
        int status = streamOnce(client, out);
        if (done()) {
          return 0;
        }
        if (status == 401 || status == 403 || status == 400 || status == 404) {
          return 1; // retrying cannot fix these
        }
        failures = status == 200 ? 0 : failures + 1;
      } catch (IOException | UncheckedIOException e) {
        // The JDK client often throws with no message (a refused connection): show the type.
        err.println("subscribe: connection lost: "
            + (e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e));
        failures++;
      }
      long delay = backoffMillis(failures);
      err.println("subscribe: reconnecting in " + delay + " ms"
          + (lastEventId == null ? "" : " after " + lastEventId));
      err.flush();
      TimeUnit.MILLISECONDS.sleep(delay);
    }
  }

  /** Streams until the connection ends; returns the HTTP status. */
  private int streamOnce(HttpClient client, PrintWriter out) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(subscribeUri())
        .header("Accept", "text/event-stream")
        .header("Cache-Control", "no-store");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<Stream<String>> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() != 200) {
        spec.commandLine().getErr().println("subscribe: HTTP " + response.statusCode() + ": "
            + String.join(" ", lines.limit(5).toList()).strip());
        return response.statusCode();
      }
      SseParser parser = new SseParser(event -> print(out, event));
      Iterator<String> iterator = lines.iterator();
      try {
        while (!done() && iterator.hasNext()) {
          parser.line(iterator.next());
        }
      } finally {
        // A stopping hub sends retry: alone, outside any event, to spread reconnections.
        if (parser.reconnectionMillis() != null) {
          retry = Duration.ofMillis(parser.reconnectionMillis());
        }
      }
      return 200;
    }
  }

  private void print(PrintWriter out, SseEvent event) {
    // Resume after the last event printed, not after an id line whose event was cut off.
    if (!event.id().isEmpty()) {
      lastEventId = event.id();
    }
    out.println("id: " + event.id());
    if (!event.type().equals("message")) {
      out.println("event: " + event.type());
    }
    for (String line : event.data().split("\n", -1)) {
      out.println("data: " + line);
    }
    out.println();
    out.flush();
    received++;
  }

  private boolean done() {
    return maxEvents != null && received >= maxEvents;
  }

  /** Doubles per failure up to a cap, with full jitter so clients do not reconnect in step. */
  private long backoffMillis(int failures) {
    long base = retry.toMillis();
    long ceiling = Math.min(MAX_BACKOFF.toMillis(), base << Math.min(failures, 10));
    return base / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling - base / 2));
  }

  private URI subscribeUri() {
    StringBuilder query = new StringBuilder();
    for (String topic : topics) {
      query.append(query.length() == 0 ? '?' : '&')
          .append("topic=").append(URLEncoder.encode(topic, StandardCharsets.UTF_8));
    }
    String base = hub.toString();
    return URI.create(base + (base.contains("?") ? query.toString().replaceFirst("^\\?", "&") : query));
  }
}
