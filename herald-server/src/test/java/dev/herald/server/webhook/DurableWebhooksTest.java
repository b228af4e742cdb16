package dev.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.history.CursorStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable webhook subscribers over real sockets: a receiver (a JDK HTTP server on a loopback port)
 * that verifies each signature, takes each {@code webhook-id} once (as the Standard Webhooks
 * advise) and is stopped and started again while updates are published. It gets every update it may
 * see once, in order; a restarted hub resumes from the saved cursor; a cursor the history no longer
 * holds is told as a gap first.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DurableWebhooksTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String FEED = "https://example.com/feed/{id}";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path cursorDir;

  private Hub hub;
  private Receiver receiver;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    receiver = new Receiver();
    receiver.listen();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    receiver.server.stop(0);
    if (hub != null) {
      hub.close();
    }
  }

  private DurableWebhooks subscribers(Hub hub, String name) {
    WebhookConfig config =
        WebhookConfig.NONE
            .withSecret(SECRET)
            .withSubscribers(
                List.of(
                    new WebhookSubscription(
                        name, URI.create(receiver.url()), List.of(FEED), List.of())))
            .withRetries(Duration.ofMinutes(1), Duration.ofMillis(20), Duration.ofMillis(200))
            .withTimeout(Duration.ofSeconds(5));
    DurableWebhooks subscribers =
        new DurableWebhooks(hub, config, CursorStore.directory(cursorDir), Clock.systemUTC());
    opened.add(subscribers);
    return subscribers;
  }

  @Test
  void tenThousandUpdatesWhileTheReceiverRestartsTwiceArriveOnceInOrder() throws Exception {
    // A small queue, so the subscriber overflows while the receiver is down and resumes through
    // the history, as a reconnecting client would.
    hub = new Hub(HubConfig.DEFAULTS.withHistorySize(20_000).withSubscriberQueueCapacity(256));
    DurableWebhooks subscribers = subscribers(hub, "orders");
    await().atMost(WAIT).until(() -> hub.subscriberCount() == 1);

    List<String> expected = new ArrayList<>();
    List<CompletableFuture<?>> publishes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      if (i == 2_000 || i == 6_000) {
        CompletableFuture.allOf(publishes.toArray(new CompletableFuture<?>[0])).join();
        receiver.server.stop(0); // down: connections refused
      } else if (i == 4_000 || i == 8_000) {
        CompletableFuture.allOf(publishes.toArray(new CompletableFuture<?>[0])).join();
        int before = receiver.taken.size();
        receiver.listen(); // up again, on the same port
        await().atMost(WAIT).until(() -> receiver.taken.size() > before);
      }
      boolean hidden = i % 100 == 99; // private, and the subscriber has no grant for it
      String id = "urn:test:" + i;
      publishes.add(
          hub.publish(
              new Update(
                  List.of("https://example.com/feed/" + i), "n" + i, hidden, id, null, null)));
      if (!hidden) {
        expected.add(id);
      }
    }
    CompletableFuture.allOf(publishes.toArray(new CompletableFuture<?>[0])).join();

    await().atMost(WAIT).until(() -> receiver.taken.size() >= expected.size());
    assertThat(receiver.taken).containsExactlyElementsOf(expected);
    assertThat(receiver.rejected.get()).isZero();
    assertThat(subscribers.failedAttempts()).isPositive(); // the receiver was down indeed
    assertThat(subscribers.gaps()).isZero();
    // Redelivered at most once per restart: an update taken just as the receiver stopped.
    assertThat(receiver.duplicates.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void aRestartedHubResumesFromTheSavedCursor() throws Exception {
    hub = new Hub(HubConfig.DEFAULTS.withHistorySize(1_000));
    DurableWebhooks first = subscribers(hub, "audit");
    await().atMost(WAIT).until(() -> hub.subscriberCount() == 1);
    publish(0, 10);
    await().atMost(WAIT).until(() -> receiver.taken.size() == 10);
    first.close();
    await().atMost(WAIT).until(() -> hub.subscriberCount() == 0);
    publish(10, 20); // while nobody delivers

    subscribers(hub, "audit");
    publish(20, 25);
    await().atMost(WAIT).until(() -> receiver.taken.size() >= 25);
    assertThat(receiver.taken).containsExactlyElementsOf(ids(0, 25));
  }

  @Test
  void aCursorTheHistoryNoLongerHoldsIsToldAsAGapFirst() throws Exception {
    hub = new Hub(HubConfig.DEFAULTS.withHistorySize(5));
    CursorStore.directory(cursorDir).save("late", "urn:test:long-gone");
    publish(0, 3);
    DurableWebhooks subscribers = subscribers(hub, "late");
    await().atMost(WAIT).until(() -> receiver.taken.size() == 3);
    assertThat(receiver.types.get(0)).isEqualTo(DurableWebhooks.GAP);
    assertThat(receiver.taken).containsExactlyElementsOf(ids(0, 3)); // everything retained
    assertThat(subscribers.gaps()).isEqualTo(1);
  }

  private void publish(int from, int to) {
    for (int i = from; i < to; i++) {
      hub.publish(
              new Update(
                  List.of("https://example.com/feed/" + i),
                  "n" + i,
                  false,
                  "urn:test:" + i,
                  null,
                  null))
          .join();
    }
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add("urn:test:" + i);
    }
    return ids;
  }

  /** The receiver: verifies, drops a webhook-id it took already, records the updates' ids. */
  private static final class Receiver {
    final List<String> taken = new CopyOnWriteArrayList<>();
    final List<String> types = new CopyOnWriteArrayList<>();
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final WebhookSignature verifier = new WebhookSignature(SECRET);
    HttpServer server;
    int port;

    String url() {
      return "http://127.0.0.1:" + port + "/updates";
    }

    void listen() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
      server.createContext(
          "/updates",
          exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
              String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
              String id = exchange.getRequestHeaders().getFirst("webhook-id");
              String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
              String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
              if (id == null
                  || timestamp == null
                  || signature == null
                  || !verifier.verify(id, Long.parseLong(timestamp), body, signature)) {
                rejected.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                return;
              }
              if (!seen.add(id)) {
                duplicates.incrementAndGet();
              } else {
                Map<String, Object> json = JSONObjectUtils.parse(body);
                types.add((String) json.get("type"));
                if (DurableWebhooks.UPDATE.equals(json.get("type"))) {
                  taken.add((String) JSONObjectUtils.getJSONObject(json, "data").get("id"));
                }
              }
              exchange.sendResponseHeaders(204, -1);
            } catch (Exception e) {
              exchange.sendResponseHeaders(400, -1);
            } finally {
              exchange.close();
            }
          });
      server.start();
      port = server.getAddress().getPort();
    }
  }
}
