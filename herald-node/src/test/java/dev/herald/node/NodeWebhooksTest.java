package dev.herald.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.server.ServerConfig;
import dev.herald.server.webhook.WebhookConfig;
import dev.herald.server.webhook.WebhookSignature;
import dev.herald.server.webhook.WebhookSubscription;
import dev.herald.store.StoreConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks as a component of the node: a {@link NodeConfig} with presence webhooks and a durable
 * webhook subscriber starts a node whose receiver hears joins and occupied topics and gets the
 * updates, whose {@code /metrics} counts them, and whose subscriber's cursor lands in the data
 * directory of the durable history. Real sockets; runs on the JUnit thread.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class NodeWebhooksTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dataDir;

  private final List<String> types = new CopyOnWriteArrayList<>();
  private HttpServer receiver;

  @BeforeEach
  void setUp() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    WebhookSignature verifier = new WebhookSignature(SECRET);
    receiver.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            boolean good =
                verifier.verify(
                    exchange.getRequestHeaders().getFirst("webhook-id"),
                    Long.parseLong(exchange.getRequestHeaders().getFirst("webhook-timestamp")),
                    body,
                    exchange.getRequestHeaders().getFirst("webhook-signature"));
            if (good) {
              types.add(
                  exchange.getRequestURI().getPath()
                      + " "
                      + JSONObjectUtils.parse(body).get("type"));
            }
            exchange.sendResponseHeaders(good ? 204 : 401, -1);
          } catch (Exception e) {
            exchange.sendResponseHeaders(400, -1);
          } finally {
            exchange.close();
          }
        });
    receiver.start();
  }

  @AfterEach
  void tearDown() {
    receiver.stop(0);
  }

  @Test
  void aNodeTellsItsReceiversAndCountsItInItsMetrics() throws Exception {
    String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    ServerConfig server =
        ServerConfig.builder()
            .listen(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
            .hub(HubConfig.DEFAULTS.withHistorySize(100))
            .demo(false)
            .build();
    Path cursors = dataDir.resolve("webhook-cursors");
    NodeConfig config =
        new NodeConfig(server, HistoryBackend.durable(StoreConfig.DEFAULTS.withDataDir(dataDir)))
            .withWebhooks(
                WebhookConfig.of(List.of(URI.create(base + "/presence")), SECRET)
                    .withSubscribers(
                        List.of(
                            new WebhookSubscription(
                                "feed",
                                URI.create(base + "/updates"),
                                List.of("https://example.com/feed"),
                                List.of())))
                    .withCursorDir(cursors));
    HttpClient http = HttpClient.newHttpClient();
    try (HeraldNode node = HeraldNode.start(config, Clock.systemUTC(), null)) {
      String hub = "http://127.0.0.1:" + node.server().port();
      HttpResponse<Stream<String>> stream =
          http.send(
              HttpRequest.newBuilder(URI.create(hub + "/.well-known/mercure?topic=urn:room:1"))
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
      assertThat(stream.statusCode()).isEqualTo(200);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  types.containsAll(
                      List.of("/presence subscription.active", "/presence topic.occupied")));
      node.hub()
          .publish(
              new Update(
                  List.of("https://example.com/feed"), "hello", false, "urn:feed:1", null, null))
          .join();
      await().atMost(WAIT).until(() -> types.contains("/updates update"));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  Files.exists(cursors.resolve("feed"))
                      && Files.readString(cursors.resolve("feed")).equals("urn:feed:1"));
      String metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create(hub + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains("herald_webhook_delivered_total")
          .contains("herald_webhook_subscriber_delivered_total 1.0");
      stream.body().close();
    }
  }
}
