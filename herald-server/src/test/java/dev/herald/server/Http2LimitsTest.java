package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The front door's limits on HTTP/2: over TLS, a path over --max-request-line gets 414 and a header
 * list over the line and header allowances together gets 431; over cleartext with prior knowledge,
 * a connection that opens no stream is closed with GOAWAY at the header timeout.
 */
class Http2LimitsTest extends ServerTestBase {

  @Override
  ServerConfig.Builder config() {
    return super.config().tlsListen(List.of(new InetSocketAddress("127.0.0.1", 0)));
  }

  /** The HTTP version and status of a GET over TLS with ALPN h2, with one extra header. */
  String h2Status(String pathAndQuery, String headerValue) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("herald-dev", server.developmentCertificate().certificate());
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trust.getTrustManagers(), null);
    HttpClient h2 =
        HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2).build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.tlsPort() + pathAndQuery));
    if (headerValue != null) {
      request.header("x-filler", headerValue);
    }
    HttpResponse<String> response = h2.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return response.version() + " " + response.statusCode();
  }

  @Test
  void aPathOverTheRequestLineLimitGets414() throws Exception {
    String path = "/.well-known/mercure?topic=" + "x".repeat(270 * 1024);
    assertThat(h2Status(path, null)).isEqualTo("HTTP_2 414");
    assertThat(server.metrics().scrape())
        .contains("herald_rejected_total{reason=\"request_line\"} 1.0");
  }

  @Test
  void aPathJustUnderTheLimitIsServed() throws Exception {
    assertThat(h2Status("/healthz?pad=" + "x".repeat(250 * 1024), null)).isEqualTo("HTTP_2 200");
  }

  @Test
  void aHeaderListOverBothAllowancesGets431() throws Exception {
    assertThat(h2Status("/healthz", "y".repeat(330 * 1024))).isEqualTo("HTTP_2 431");
  }

  @Test
  void aConnectionThatOpensNoStreamIsClosedWithGoawayAtTheHeaderTimeout() throws Exception {
    restart(config().limits(Limits.DEFAULTS.withHeaderTimeout(Duration.ofMillis(300))).build());
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 0x4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      out.flush();
      byte[] answer = socket.getInputStream().readAllBytes(); // until the hub closes
      assertThat(frameTypes(answer)).contains((byte) 0x7); // GOAWAY
    }
    assertThat(server.metrics().scrape()).contains("herald_timeouts_total{phase=\"header\"} 1.0");
  }

  /** The type of each HTTP/2 frame in {@code bytes}. */
  private static byte[] frameTypes(byte[] bytes) throws IOException {
    java.io.ByteArrayOutputStream types = new java.io.ByteArrayOutputStream();
    int at = 0;
    while (at + 9 <= bytes.length) {
      int length =
          ((bytes[at] & 0xff) << 16) | ((bytes[at + 1] & 0xff) << 8) | (bytes[at + 2] & 0xff);
      types.write(bytes[at + 3]);
      at += 9 + length;
    }
    return types.toByteArray();
  }
}
