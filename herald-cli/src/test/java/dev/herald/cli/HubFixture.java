package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.io.InputStream;
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

/** A hub on a random loopback port, and small HTTP helpers to talk to it over real sockets. */
final class HubFixture {

  static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  static final JwtKey KEY = JwtKey.parse("HS256", SECRET);
  static final String OTHER_SECRET = "another-secret-also-long-enough-for-hs256!";
  static final String PUBLISHER = token(SECRET, List.of("*"), null);

  // HTTP/1.1: the JDK's h2c upgrade can misread the frames of the request after the upgraded
  // one (see herald-client's DefaultHttpClient); h2c itself is covered in herald-server.
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private HubFixture() {}

  static ServerConfig.Builder config() {
    return ServerConfig.builder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
        .hub(HubConfig.DEFAULTS.withHistorySize(100))
        .publisherKey(KEY)
        .subscriberKey(KEY)
        .demo(false);
  }

  static HeraldServer start() throws InterruptedException {
    return HeraldServer.start(config().build());
  }

  static String hubUrl(HeraldServer server) {
    return hubUrl(server.boundAddresses().get(0));
  }

  static String hubUrl(InetSocketAddress address) {
    return "http://127.0.0.1:" + address.getPort() + "/.well-known/mercure";
  }

  static String token(String secret, List<String> publish, List<String> subscribe) {
    return TokenMinter.mint(
        JwtKey.parse("HS256", secret), publish, subscribe, null, null, Clock.systemUTC());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static HttpResponse<String> publish(String hubUrl, String token, String form) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(hubUrl))
            .timeout(Cli.WAIT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static void publishOk(String hubUrl, String form) throws Exception {
    HttpResponse<String> response = publish(hubUrl, PUBLISHER, form);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** The status of a subscribe request; the stream is closed as soon as the headers arrive. */
  static int subscribeStatus(String hubUrl, String topic, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(hubUrl + "?topic=" + enc(topic)))
            .header("Accept", "text/event-stream");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<InputStream> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    response.body().close();
    return response.statusCode();
  }

  static int getStatus(String url) throws Exception {
    HttpResponse<InputStream> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    response.body().close();
    return response.statusCode();
  }
}
