package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.sse.SseEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** HTTP/2 over TLS (ALPN) and cleartext (Upgrade and prior knowledge), on the same handlers. */
class Http2Test extends ServerTestBase {

  @Override
  ServerConfig.Builder config() {
    return super.config().tlsListen(List.of(new InetSocketAddress("127.0.0.1", 0)));
  }

  HttpClient tlsClient(HttpClient.Version version) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("herald-dev", server.developmentCertificate().certificate());
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).version(version).build();
  }

  @Test
  void tlsNegotiatesHttp2AndStreamsEvents() throws Exception {
    assertThat(server.developmentCertificate().sha256Fingerprint())
        .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    HttpClient h2 = tlsClient(HttpClient.Version.HTTP_2);
    String tlsBase = "https://127.0.0.1:" + server.tlsPort();
    URI uri = URI.create(tlsBase + "/.well-known/mercure?topic=t1&topic=t2");
    try (SseClient sub = SseClient.open(h2, uri, Map.of())) {
      assertThat(sub.response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(sub.response.headers().firstValue("transfer-encoding")).isEmpty();
      HttpResponse<String> published =
          h2.send(
              HttpRequest.newBuilder(URI.create(tlsBase + "/.well-known/mercure"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Authorization", "Bearer " + PUBLISHER)
                  .POST(HttpRequest.BodyPublishers.ofString("topic=t2&data=over-h2"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(published.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(published.statusCode()).isEqualTo(200);
      // The publish's pre-built 200 head converts to HTTP/2 headers like any other answer.
      assertThat(published.headers().firstValue("content-type"))
          .contains("text/plain; charset=utf-8");
      assertThat(published.headers().firstValue("link"))
          .contains("</.well-known/mercure>; rel=\"mercure\"");
      SseEvent event = sub.next();
      assertThat(event.data()).isEqualTo("over-h2");
      assertThat(event.id()).isEqualTo(published.body());
    }
  }

  @Test
  void tlsFallsBackToHttp1ForClientsWithoutHttp2() throws Exception {
    HttpClient h1 = tlsClient(HttpClient.Version.HTTP_1_1);
    HttpResponse<String> page =
        h1.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.tlsPort() + "/healthz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(page.body()).isEqualTo("ok\n");
  }

  @Test
  void manyStreamsShareOneHttp2Connection() throws Exception {
    HttpClient h2 = tlsClient(HttpClient.Version.HTTP_2);
    String tlsBase = "https://127.0.0.1:" + server.tlsPort();
    List<SseClient> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        streams.add(
            SseClient.open(h2, URI.create(tlsBase + "/.well-known/mercure?topic=t" + i), Map.of()));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 10);
      for (int i = 0; i < 10; i++) {
        publishOk("topic=t" + i + "&data=to-" + i);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(streams.get(i).next().data()).isEqualTo("to-" + i);
      }
    } finally {
      streams.forEach(SseClient::close);
    }
  }

  @Test
  void cleartextUpgradeToH2cServesEvents() throws Exception {
    HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    try (SseClient sub = SseClient.open(h2c, subscribeUri("t"), Map.of())) {
      assertThat(sub.response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      publishOk("topic=t&data=h2c");
      assertThat(sub.next().data()).isEqualTo("h2c");
    }
  }

  @Test
  void cleartextPriorKnowledgeServesEvents() throws Exception {
    // The JDK client cannot speak prior-knowledge h2c; curl can.
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-N",
                "--http2-prior-knowledge",
                "--max-time",
                "10",
                "-D",
                "-",
                base + "/.well-known/mercure?topic=t")
            .redirectErrorStream(true)
            .start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 1);
      publishOk("topic=t&data=prior-knowledge");
      StringBuilder seen = new StringBuilder();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                seen.append(readAvailable(curl));
                return seen.toString().contains("data: prior-knowledge");
              });
      assertThat(seen.toString())
          .startsWith("HTTP/2 200")
          .contains("content-type: text/event-stream");
    } finally {
      curl.destroy();
      curl.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static String readAvailable(Process process) throws IOException {
    int available = process.getInputStream().available();
    return available == 0
        ? ""
        : new String(process.getInputStream().readNBytes(available), StandardCharsets.UTF_8);
  }
}
