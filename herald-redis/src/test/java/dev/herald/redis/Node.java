package dev.herald.redis;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import dev.herald.server.trace.Tracing;
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

/**
 * One Herald node of a test cluster: a {@link HeraldServer} on a random loopback port whose hub
 * runs over its own {@link RedisLog}. Started and closed from the test's thread.
 */
final class Node implements AutoCloseable {

  static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  static final JwtKey KEY = JwtKey.parse("HS256", SECRET);
  static final String PUBLISHER =
      TokenMinter.mint(KEY, List.of("*"), null, null, null, Clock.systemUTC());

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final RedisLog log;
  final HeraldServer server;

  private Node(RedisLog log, HeraldServer server) {
    this.log = log;
    this.server = server;
  }

  static Node start(RedisConfig redis) throws InterruptedException {
    RedisLog log = RedisLog.connect(redis);
    Hub hub = new Hub(HubConfig.DEFAULTS.withHistorySize((int) redis.historySize()), log);
    return new Node(
        log, HeraldServer.builder(serverConfig(0).hub(hub.config()).build()).hub(hub).start());
  }

  /** A node whose hub and edge trace with {@code tracing}, serving {@code /metrics}. */
  static Node startTraced(RedisConfig redis, Tracing tracing) throws InterruptedException {
    RedisLog log = RedisLog.connect(redis);
    Hub hub =
        new Hub(
            HubConfig.DEFAULTS.withHistorySize((int) redis.historySize()),
            log,
            tracing.publishTracer());
    ServerConfig config = serverConfig(0).hub(hub.config()).metrics(true).build();
    return new Node(log, HeraldServer.builder(config).hub(hub).tracing(tracing).start());
  }

  static ServerConfig.Builder serverConfig(int port) {
    return ServerConfig.builder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", port)))
        .publisherKey(KEY)
        .subscriberKey(KEY)
        .heartbeat(Duration.ofSeconds(40))
        .shutdownGrace(Duration.ofSeconds(2))
        .demo(false)
        .metrics(false);
  }

  String base() {
    return base(server.port());
  }

  static String base(int port) {
    return "http://127.0.0.1:" + port;
  }

  /** POSTs an update; the response as it came (200 with the id, or an error with its reason). */
  static HttpResponse<String> publish(String base, String topic, String data) throws Exception {
    String form = "topic=" + enc(topic) + "&data=" + enc(data);
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Bearer " + PUBLISHER)
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> publish(String topic, String data) throws Exception {
    return publish(base(), topic, data);
  }

  /** Publishes and insists on a 200; returns the event id. */
  String publishOk(String topic, String data) throws Exception {
    HttpResponse<String> response = publish(topic, data);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "publish " + data + ": " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  static HttpResponse<String> get(String base, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return get(base(), path);
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.close(); // closes the hub, which closes the log
  }
}
