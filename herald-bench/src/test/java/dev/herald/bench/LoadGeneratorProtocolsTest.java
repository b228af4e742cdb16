package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.auth.JwtKey;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator against a real hub on loopback, in each protocol: smoke runs ({@code --duration 0}:
 * one window of publishes, then drain) that must deliver every event. The hub allows only 4 streams
 * per HTTP/2 connection, so the generator has to open more connections than asked.
 */
class LoadGeneratorProtocolsTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static final int MAX_STREAMS = 4;

  private static HeraldServer hub;

  @BeforeAll
  static void startHub() throws Exception {
    JwtKey key = JwtKey.parse("HS256", SECRET);
    hub =
        HeraldServer.start(
            ServerConfig.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .tlsListen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .maxConcurrentStreams(MAX_STREAMS)
                .publisherKey(key)
                .subscriberKey(key)
                .demo(false)
                .shutdownGrace(Duration.ofSeconds(2))
                .build());
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  private static Map<String, Object> run(String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                Integer.toString(hub.port()),
                "--jwt-key",
                SECRET,
                "--duration",
                "0",
                "--settle-ms",
                "0",
                "--drain-ms",
                "10000",
                "--connect-timeout",
                "20"));
    args.addAll(List.of(extra));
    return new LoadGenerator(Options.parse(args.toArray(String[]::new))).run();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> report, String name) {
    return (Map<String, Object>) report.get(name);
  }

  private static void assertEveryEventDelivered(Map<String, Object> report) {
    Map<String, Object> events = section(report, "events");
    assertThat((Long) events.get("expected")).as("events expected").isPositive();
    assertThat(events.get("with_ts")).isEqualTo(events.get("expected"));
    assertThat(section(report, "conn").get("dropped")).isEqualTo(0);
    assertThat(report.get("pub_protocol")).isEqualTo("h1");
  }

  @Test
  void http1OneConnectionPerSubscriber() throws Exception {
    Map<String, Object> report = run("--subs", "6", "--topics", "2");
    assertThat(report.get("protocol")).isEqualTo("h1");
    assertThat(report.get("connections")).isEqualTo(6);
    assertThat(report.get("tcp_connections")).isEqualTo(6);
    assertThat(report).doesNotContainKey("h2");
    assertEveryEventDelivered(report);
  }

  @Test
  void h2cOpensMoreConnectionsThanAskedWhenTheHubLimitsStreams() throws Exception {
    Map<String, Object> report =
        run("--protocol", "h2c", "--subs", "12", "--topics", "2", "--connections", "2");
    assertThat(report.get("protocol")).isEqualTo("h2c");
    assertThat(report.get("connections")).isEqualTo(12);
    assertThat(report.get("tcp_connections")).isEqualTo(3);
    Map<String, Object> h2 = section(report, "h2");
    assertThat(h2.get("connections_requested")).isEqualTo(2);
    assertThat(h2.get("connections_opened")).isEqualTo(3);
    assertThat(h2.get("server_max_concurrent_streams")).isEqualTo((long) MAX_STREAMS);
    assertThat(h2.get("max_streams_per_connection")).isEqualTo(MAX_STREAMS);
    assertThat(h2.get("tls")).isNull();
    assertEveryEventDelivered(report);
  }

  @Test
  void h2OverTlsWithTheHubsDevelopmentCertificate() throws Exception {
    Map<String, Object> report =
        run(
            "--protocol",
            "h2",
            "--tls-port",
            Integer.toString(hub.tlsPort()),
            "--subs",
            "8",
            "--connections",
            "2");
    assertThat(report.get("protocol")).isEqualTo("h2");
    assertThat(report.get("target")).isEqualTo("127.0.0.1:" + hub.tlsPort());
    assertThat(report.get("pub_target")).isEqualTo("127.0.0.1:" + hub.port());
    assertThat(report.get("connections")).isEqualTo(8);
    assertThat(report.get("tcp_connections")).isEqualTo(2);
    assertThat(section(report, "h2").get("tls")).isEqualTo(Http2Connection.tlsProvider().name());
    assertEveryEventDelivered(report);
  }

  @Test
  void h2OnAPlainPortFailsEveryStreamAndSaysWhy() throws Exception {
    // The cleartext listener speaks no TLS: the handshake fails, and so does each subscriber.
    Map<String, Object> report =
        new LoadGenerator(
                Options.parse(
                    "--idle",
                    "--protocol",
                    "h2",
                    "--tls-port",
                    Integer.toString(hub.port()),
                    "--subs",
                    "5",
                    "--duration",
                    "0",
                    "--settle-ms",
                    "0",
                    "--connect-timeout",
                    "20"))
            .run();
    assertThat(report.get("connections")).isEqualTo(0);
    assertThat(section(section(report, "conn"), "failed").get("connect")).isEqualTo(5);
    assertThat((String) section(report, "h2").get("first_failure")).startsWith("tls: ");
  }

  @Test
  void h2cWithNothingListeningFailsEverySubscriberQuickly() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Object> report =
        new LoadGenerator(
                Options.parse(
                    "--idle",
                    "--protocol",
                    "h2c",
                    "--port",
                    Integer.toString(closedPort),
                    "--subs",
                    "250",
                    "--connections",
                    "3",
                    "--duration",
                    "0",
                    "--settle-ms",
                    "0",
                    "--connect-timeout",
                    "20"))
            .run();
    assertThat(report.get("connections")).isEqualTo(0);
    assertThat(report.get("tcp_connections")).isEqualTo(0);
    assertThat(section(section(report, "conn"), "failed").get("connect")).isEqualTo(250);
    Map<String, Object> h2 = section(report, "h2");
    assertThat(h2.get("connections_opened")).isEqualTo(3);
    assertThat(h2.get("connections_failed")).isEqualTo(3);
    assertThat((String) h2.get("first_failure")).startsWith("connect: ");
  }
}
