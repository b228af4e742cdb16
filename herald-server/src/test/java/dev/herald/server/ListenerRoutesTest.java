package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which routes each listener serves, over real sockets: {@code --no-ui} drops the page, its static
 * files, {@code /info} and {@code /dev/token}; {@code --admin-listen} moves {@code /metrics},
 * {@code /healthz} and {@code /readyz} to a listener of their own, off the public ones.
 *
 * <p>Runs on the JUnit thread.
 */
class ListenerRoutesTest extends ServerTestBase {

  private static final List<String> UI_PATHS =
      List.of(
          "/",
          "/ui/app.js",
          "/webjars/vue/3.5.26/dist/vue.esm-browser.prod.js",
          "/info",
          "/dev/token");
  private static final List<String> ADMIN_PATHS = List.of("/metrics", "/healthz", "/readyz");

  @Test
  void byDefaultOneListenerServesTheUiAndTheAdminRoutes() throws Exception {
    restart(config().developmentTokens(true).build());
    for (String path : UI_PATHS) {
      assertThat(get(path, Map.of()).statusCode()).as(path).isEqualTo(200);
    }
    for (String path : ADMIN_PATHS) {
      assertThat(get(path, Map.of()).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(server.boundAdminAddress()).isNull();
  }

  @Test
  void withoutTheUiItsPathsAre404AndTheHubStillServes() throws Exception {
    restart(config().developmentTokens(true).ui(false).build());
    for (String path : UI_PATHS) {
      HttpResponse<String> response = get(path, Map.of());
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).isEqualTo("no such resource: " + path + "\n");
    }
    assertThat(publishOk("topic=t&data=still")).startsWith("urn:uuid:");
    assertThat(get("/herald.js", Map.of()).statusCode())
        .as("the hub's client is not the UI")
        .isEqualTo(200);
    for (String path : ADMIN_PATHS) {
      assertThat(get(path, Map.of()).statusCode()).as(path).isEqualTo(200);
    }
    RawHttp.Response demo =
        RawHttp.exchange(
            server.port(),
            ("GET /sse HTTP/1.1\r\nHost: x\r\n" + "Accept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(demo.status()).as("the demo stream is not part of the UI").isEqualTo(200);
  }

  @Test
  void theAdminListenerServesOnlyTheAdminRoutesAndThePublicOnesLoseThem() throws Exception {
    restart(config().adminListen(new InetSocketAddress("127.0.0.1", 0)).build());
    InetSocketAddress admin = server.boundAdminAddress();
    assertThat(admin.getPort()).isPositive().isNotEqualTo(server.port());
    String adminBase = "http://127.0.0.1:" + admin.getPort();

    HttpResponse<String> metrics = getFrom(adminBase, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("# TYPE herald_events_published_total counter");
    assertThat(getFrom(adminBase, "/healthz").statusCode()).isEqualTo(200);
    assertThat(getFrom(adminBase, "/readyz").statusCode()).isEqualTo(200);
    for (String path : List.of("/.well-known/mercure", "/", "/info", "/sse")) {
      assertThat(getFrom(adminBase, path).statusCode()).as("admin " + path).isEqualTo(404);
    }

    for (String path : ADMIN_PATHS) {
      HttpResponse<String> response = get(path, Map.of());
      assertThat(response.statusCode()).as("public " + path).isEqualTo(404);
      assertThat(response.body()).isEqualTo("no such resource: " + path + "\n");
    }
    assertThat(publishOk("topic=t&data=public")).startsWith("urn:uuid:");
    assertThat(get("/", Map.of()).statusCode()).as("the UI stays public").isEqualTo(200);
    assertThat(getFrom(adminBase, "/metrics").body()).contains("herald_events_published_total 1.0");
  }

  @Test
  void theAdminListenerClosesWithTheServer() throws Exception {
    restart(config().adminListen(new InetSocketAddress("127.0.0.1", 0)).build());
    int adminPort = server.boundAdminAddress().getPort();
    server.close();
    try (java.net.Socket socket = new java.net.Socket()) {
      assertThat(catchConnect(socket, adminPort)).isInstanceOf(java.net.ConnectException.class);
    }
    server = HeraldServer.start(config().build()); // for stop()
  }

  private static Throwable catchConnect(java.net.Socket socket, int port) {
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      return null;
    } catch (java.io.IOException e) {
      return e;
    }
  }

  private HttpResponse<String> getFrom(String origin, String path) throws Exception {
    return http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(origin + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
