package dev.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.core.history.CursorStore;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registration API of durable webhook subscribers over real sockets: a publisher registers a
 * callback with {@code PUT}, gets the updates it selects (the private ones only with its token's
 * grant), lists it with its cursor, and removes it; bad requests get a one-line reason.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WebhookSubscribersApiTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final JwtKey KEY =
      JwtKey.parse("HS256", "a-test-secret-that-is-long-enough-for-hs256");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> taken = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private Hub hub;
  private DurableWebhooks subscribers;
  private HeraldServer server;

  @BeforeEach
  void setUp() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    WebhookSignature verifier = new WebhookSignature(SECRET);
    receiver.createContext(
        "/in",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            long timestamp =
                Long.parseLong(exchange.getRequestHeaders().getFirst("webhook-timestamp"));
            if (!verifier.verify(
                id, timestamp, body, exchange.getRequestHeaders().getFirst("webhook-signature"))) {
              exchange.sendResponseHeaders(401, -1);
              return;
            }
            taken.add(
                (String)
                    JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(body), "data").get("data"));
            exchange.sendResponseHeaders(204, -1);
          } catch (Exception e) {
            exchange.sendResponseHeaders(400, -1);
          } finally {
            exchange.close();
          }
        });
    receiver.start();
    hub = new Hub(HubConfig.DEFAULTS.withHistorySize(100));
    subscribers =
        new DurableWebhooks(
            hub, WebhookConfig.NONE.withSecret(SECRET), CursorStore.memory(), Clock.systemUTC());
    server =
        HeraldServer.builder(
                ServerConfig.builder()
                    .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                    .publisherKey(KEY)
                    .subscriberKey(KEY)
                    .hub(hub.config())
                    .demo(false)
                    .build())
            .hub(hub)
            .webhookSubscribers(subscribers)
            .start();
  }

  @AfterEach
  void tearDown() {
    subscribers.close();
    server.close();
    receiver.stop(0);
  }

  private HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(WAIT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPublisherRegistersListsAndRemovesASubscriberThatGetsWhatItsTokenGrants() throws Exception {
    String token =
        TokenMinter.mint(
            KEY,
            List.of("*"),
            List.of("https://example.com/secret/{id}"),
            null,
            null,
            Clock.systemUTC());
    String receiverUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/in";
    HttpResponse<String> put =
        send(
            "PUT",
            "/.well-known/mercure/webhooks/audit",
            token,
            "{\"url\":\"" + receiverUrl + "\",\"topics\":[\"https://example.com/{kind}/{id}\"]}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(JSONObjectUtils.parse(put.body()))
        .containsEntry("name", "audit")
        .containsEntry("private", List.of("https://example.com/secret/{id}"));
    await().atMost(WAIT).until(() -> hub.subscriberCount() == 1);

    hub.publish(
            new Update(List.of("https://example.com/news/1"), "public", false, null, null, null))
        .join();
    hub.publish(
            new Update(List.of("https://example.com/secret/1"), "granted", true, null, null, null))
        .join();
    hub.publish(
            new Update(
                List.of("https://example.com/hidden/1"), "not granted", true, null, null, null))
        .join();
    hub.publish(new Update(List.of("https://example.com/news/2"), "last", false, null, null, null))
        .join();
    await().atMost(WAIT).until(() -> taken.contains("last"));
    assertThat(taken).containsExactly("public", "granted", "last");

    HttpResponse<String> list = send("GET", "/.well-known/mercure/webhooks", token, null);
    assertThat(list.statusCode()).isEqualTo(200);
    Map<String, Object> listed =
        JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(list.body()), "webhooks").stream()
            .map(o -> (Map<String, Object>) o)
            .findFirst()
            .orElseThrow();
    assertThat(listed).containsEntry("name", "audit").containsEntry("configured", false);
    assertThat((String) listed.get("lastEventId")).startsWith("urn:uuid:");

    assertThat(send("DELETE", "/.well-known/mercure/webhooks/audit", token, null).statusCode())
        .isEqualTo(200);
    await().atMost(WAIT).until(() -> hub.subscriberCount() == 0);
    assertThat(send("GET", "/.well-known/mercure/webhooks/audit", token, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void badRequestsGetAOneLineReason() throws Exception {
    String token = TokenMinter.mint(KEY, List.of("*"), null, null, null, Clock.systemUTC());
    assertThat(send("PUT", "/.well-known/mercure/webhooks/x", null, "{}").statusCode())
        .isEqualTo(401);
    HttpResponse<String> noTopics =
        send("PUT", "/.well-known/mercure/webhooks/x", token, "{\"url\":\"http://127.0.0.1:9/\"}");
    assertThat(noTopics.statusCode()).isEqualTo(400);
    assertThat(noTopics.body()).contains("webhook subscriber x");
    HttpResponse<String> badName =
        send(
            "PUT",
            "/.well-known/mercure/webhooks/bad%20name",
            token,
            "{\"url\":\"http://127.0.0.1:9/\",\"topics\":[\"a\"]}");
    assertThat(badName.statusCode()).isEqualTo(400);
    HttpResponse<String> ftp =
        send(
            "PUT",
            "/.well-known/mercure/webhooks/x",
            token,
            "{\"url\":\"ftp://127.0.0.1/\",\"topics\":[\"a\"]}");
    assertThat(ftp.statusCode()).isEqualTo(400);
    assertThat(send("DELETE", "/.well-known/mercure/webhooks", token, null).statusCode())
        .isEqualTo(405);
  }
}
