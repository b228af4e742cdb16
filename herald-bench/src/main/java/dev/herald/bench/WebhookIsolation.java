package dev.herald.bench;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import dev.herald.server.webhook.WebhookConfig;
import dev.herald.server.webhook.WebhookSender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Does a webhook receiver that never answers cost subscribers anything? Runs one hub on a loopback
 * port with {@code SUBSCRIBERS} SSE subscribers over real sockets, publishes {@code EVENTS} events
 * (each carrying its publish time) while other subscribers come and go (each join and leave is a
 * webhook), and reports the subscribers' publish-to-read latency: first with no webhook, then with
 * a webhook to a receiver that accepts connections and never answers.
 *
 * <pre>{@code
 * mvn -B -q -ntp -pl herald-bench -am package -DskipTests
 * java -cp herald-bench/target/herald-bench.jar dev.herald.bench.WebhookIsolation [SUBSCRIBERS] [EVENTS]
 * }</pre>
 *
 * <p>Runs on its main thread; each subscriber reads on a thread of the JDK client. Every loop is
 * bounded by its count and by a deadline.
 */
public final class WebhookIsolation {

  private static final String TOPIC = "https://example.com/ticks";
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private WebhookIsolation() {}

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    try (ServerSocket blackhole = new ServerSocket(0, 1_000, InetAddress.getLoopbackAddress())) {
      // Accepts (the kernel does, into the backlog) and never reads nor answers.
      Thread holder =
          new Thread(
              () -> {
                List<Socket> held = new ArrayList<>();
                try {
                  while (held.size() < 1_000) {
                    held.add(blackhole.accept());
                  }
                } catch (IOException closed) {
                  // the run is over
                }
              },
              "blackhole");
      holder.setDaemon(true);
      holder.start();
      String receiver = "http://127.0.0.1:" + blackhole.getLocalPort() + "/hooks";
      run(subscribers, events, null); // warms the JIT up, so the order of the runs does not count
      Histogram without = run(subscribers, events, null);
      Histogram with = run(subscribers, events, receiver);
      System.out.printf(
          Locale.ROOT,
          "%d subscribers, %d events each; publish-to-read latency (ms)%n",
          subscribers,
          events);
      print("no webhook", without);
      print("webhook to a dead receiver", with);
    }
  }

  private static void print(String label, Histogram latency) {
    System.out.printf(
        Locale.ROOT,
        "  %-28s n=%d p50=%.3f p99=%.3f p99.9=%.3f max=%.3f%n",
        label,
        latency.getTotalCount(),
        latency.getValueAtPercentile(50) / 1e6,
        latency.getValueAtPercentile(99) / 1e6,
        latency.getValueAtPercentile(99.9) / 1e6,
        latency.getMaxValue() / 1e6);
  }

  private static Histogram run(int subscribers, int events, String receiver) throws Exception {
    Hub hub = new Hub(HubConfig.DEFAULTS.withHistorySize(1_000));
    WebhookSender webhooks = null;
    if (receiver != null) {
      webhooks =
          new WebhookSender(
              WebhookConfig.of(List.of(URI.create(receiver)), SECRET)
                  .withTimeout(Duration.ofSeconds(30)),
              Clock.systemUTC());
      hub.tellPresence(webhooks);
    }
    HeraldServer server =
        HeraldServer.builder(
                ServerConfig.builder()
                    .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                    .anonymous(true)
                    .hub(hub.config())
                    .demo(false)
                    .build())
            .hub(hub)
            .start();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String url =
        "http://127.0.0.1:"
            + server.port()
            + "/.well-known/mercure?topic="
            + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8);
    Histogram latency = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    List<HttpResponse<Stream<String>>> open = new CopyOnWriteArrayList<>();
    try {
      List<Thread> readers = new ArrayList<>();
      for (int i = 0; i < subscribers; i++) {
        HttpResponse<Stream<String>> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofLines());
        open.add(response);
        Thread reader =
            new Thread(
                () -> {
                  try {
                    response
                        .body()
                        .filter(line -> line.startsWith("data: "))
                        .limit(events)
                        .forEach(
                            line -> {
                              long sent = Long.parseLong(line.substring(6));
                              synchronized (latency) {
                                latency.recordValue(
                                    Math.min(
                                        System.nanoTime() - sent,
                                        latency.getHighestTrackableValue()));
                              }
                            });
                  } catch (RuntimeException closed) {
                    // the run ended under it
                  }
                });
        reader.setDaemon(true);
        reader.start();
        readers.add(reader);
      }
      String churn = "http://127.0.0.1:" + server.port() + "/.well-known/mercure?topic=urn:churn:";
      for (int i = 0; i < events; i++) {
        hub.publish(
                new Update(
                    List.of(TOPIC), Long.toString(System.nanoTime()), false, null, null, null))
            .join();
        if (i % 20 == 0) {
          // A subscriber comes and goes: two subscription webhooks and two topic ones.
          http.send(
                  HttpRequest.newBuilder(URI.create(churn + i)).build(),
                  HttpResponse.BodyHandlers.ofLines())
              .body()
              .close();
        }
        TimeUnit.MICROSECONDS.sleep(500); // a steady rate, not a burst: latency, not throughput
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (Thread reader : readers) {
        reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
      if (webhooks != null) {
        System.out.printf(
            Locale.ROOT,
            "  (webhooks: %d queued, %d delivered, %d failed attempts)%n",
            webhooks.queued(),
            webhooks.delivered(),
            webhooks.failedAttempts());
      }
    } finally {
      server.close();
      if (webhooks != null) {
        webhooks.close();
      }
    }
    return latency;
  }
}
