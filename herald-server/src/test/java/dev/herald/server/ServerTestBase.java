package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts a hub on a random loopback port per test and talks to it over real sockets. */
abstract class ServerTestBase {

  static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  static final JwtKey KEY = JwtKey.parse("HS256", SECRET);
  static final String BOOKS = "https://example.com/books/{id}";

  HeraldServer server;
  // HTTP/1.1 explicitly: the JDK client would otherwise upgrade to h2c, which Http2Test covers.
  HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  String base;

  @BeforeEach
  void start() throws Exception {
    server = HeraldServer.start(config().build());
    base = "http://127.0.0.1:" + server.port();
  }

  ServerConfig.Builder config() {
    return ServerConfig.builder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
        .hub(HubConfig.DEFAULTS.withHistorySize(100))
        .publisherKey(KEY)
        .subscriberKey(KEY)
        .corsOrigins(List.of("http://localhost:5173"))
        .publishOrigins(List.of("http://localhost:5173"))
        .heartbeat(Duration.ofSeconds(40))
        .demoInterval(Duration.ofMillis(200));
  }

  void restart(ServerConfig config) throws Exception {
    server.close();
    server = HeraldServer.start(config);
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static String token(List<String> publish, List<String> subscribe, Duration ttl) {
    return TokenMinter.mint(KEY, publish, subscribe, null, ttl, Clock.systemUTC());
  }

  static final String PUBLISHER = token(List.of("*"), null, null);

  /**
   * What a subscriber presents to read the private updates of {@code subscribe}: a token here;
   * tests run against the authorization callback present a session cookie instead.
   */
  Map<String, String> subscriberCredentials(List<String> subscribe) {
    return Map.of("Authorization", "Bearer " + token(null, subscribe, null));
  }

  URI subscribeUri(String... topics) {
    StringBuilder query = new StringBuilder();
    for (String topic : topics) {
      query.append(query.length() == 0 ? "?" : "&").append("topic=").append(enc(topic));
    }
    return URI.create(base + "/.well-known/mercure" + query);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  HttpResponse<String> publish(String form, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> publish(String form) throws Exception {
    return publish(form, Map.of("Authorization", "Bearer " + PUBLISHER));
  }

  String publishOk(String form) throws Exception {
    HttpResponse<String> response = publish(form);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
