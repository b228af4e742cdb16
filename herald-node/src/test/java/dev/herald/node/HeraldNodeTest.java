package dev.herald.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.HubConfig;
import dev.herald.outbox.OutboxConfig;
import dev.herald.redis.RedisConfig;
import dev.herald.server.ServerConfig;
import dev.herald.store.SqliteHistory;
import dev.herald.store.StoreConfig;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node assembled from its configuration: one history size for every backend, a node that serves,
 * and a failed start that leaves its history closed. Real sockets; runs on the JUnit thread.
 */
class HeraldNodeTest {

  @TempDir Path dataDir;

  private static ServerConfig server(int port, int historySize) {
    return ServerConfig.builder()
        .listen(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))
        .hub(HubConfig.DEFAULTS.withHistorySize(historySize))
        .demo(false)
        .build();
  }

  @Test
  void everyBackendKeepsTheHubsHistorySize() {
    NodeConfig durable =
        new NodeConfig(
            server(0, 7), HistoryBackend.durable(StoreConfig.DEFAULTS.withDataDir(dataDir)));
    NodeConfig shared = new NodeConfig(server(0, 7), new RedisBackend(RedisConfig.DEFAULTS));
    NodeConfig memory = NodeConfig.inMemory(server(0, 7));

    assertThat(((HistoryBackend.Durable) durable.history()).store().maxEvents()).isEqualTo(7);
    assertThat(((RedisBackend) shared.history()).redis().historySize()).isEqualTo(7);
    assertThat(memory.history()).isEqualTo(new HistoryBackend.Memory(7));
    // A later server keeps them equal too.
    assertThat(
            ((HistoryBackend.Durable) durable.withServer(server(0, 9)).history())
                .store()
                .maxEvents())
        .isEqualTo(9);
  }

  @Test
  void theDefaultsHoldOneHistorySize() {
    assertThat(StoreConfig.DEFAULTS.maxEvents()).isEqualTo(HubConfig.DEFAULTS.historySize());
    assertThat(RedisConfig.DEFAULTS.historySize()).isEqualTo(HubConfig.DEFAULTS.historySize());
  }

  @Test
  void aSharedLogRefusesAnEmptyHistory() {
    assertThatThrownBy(() -> new NodeConfig(server(0, 0), new RedisBackend(RedisConfig.DEFAULTS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("history-size: 0 (expected: >= 1 with --redis)");
  }

  @Test
  void aStartedNodeServesItsHubAndClosesItsHistory() throws Exception {
    NodeConfig config =
        new NodeConfig(
            server(0, 100), HistoryBackend.durable(StoreConfig.DEFAULTS.withDataDir(dataDir)));
    try (HeraldNode node = HeraldNode.start(config, Clock.systemUTC(), null)) {
      assertThat(node.server().hub()).isSameAs(node.hub());
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + node.server().port() + "/healthz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
    // The data directory is one hub's: it opens again only once the node released it.
    SqliteHistory.open(StoreConfig.DEFAULTS.withDataDir(dataDir)).close();
  }

  @Test
  void aFailedBindClosesTheHistoryItOpened() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      NodeConfig config =
          new NodeConfig(
              server(taken.getLocalPort(), 100),
              HistoryBackend.durable(StoreConfig.DEFAULTS.withDataDir(dataDir)));

      assertThatThrownBy(() -> HeraldNode.start(config, Clock.systemUTC(), null))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("Address already in use");
    }
    SqliteHistory.open(StoreConfig.DEFAULTS.withDataDir(dataDir)).close();
  }

  /** The outbox consumer's thread, which retries an unreachable PostgreSQL until closed. */
  private static boolean outboxThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().equals("herald-outbox") && thread.isAlive());
  }

  @Test
  void aFailedBindClosesTheOutboxConsumerItStarted() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      NodeConfig config =
          NodeConfig.inMemory(server(taken.getLocalPort(), 100))
              .withOutbox(
                  OutboxConfig.parse("postgresql://u@127.0.0.1:" + closedPort + "/db", null));
      assertThat(config.outbox().maxDataBytes()).isEqualTo(config.server().maxBody());

      assertThatThrownBy(() -> HeraldNode.start(config, Clock.systemUTC(), null))
          .isInstanceOf(UncheckedIOException.class);
    }
    assertThat(outboxThreadAlive()).isFalse();
  }

  @Test
  void anOpenNodeClosesItsOutboxConsumerBeforeItsHub() {
    NodeConfig config =
        NodeConfig.inMemory(server(0, 100))
            .withOutbox(OutboxConfig.parse("postgresql://u@127.0.0.1:1/db", "app.events"));
    HeraldNode node = HeraldNode.open(config);
    assertThat(node.outbox().config().table()).isEqualTo("app.events");
    assertThat(outboxThreadAlive()).isTrue();
    node.close();
    assertThat(outboxThreadAlive()).isFalse();
  }

  @Test
  void aDataDirectoryInUseIsNamedAsTheSettingToFix() {
    NodeConfig config =
        new NodeConfig(
            server(0, 100), HistoryBackend.durable(StoreConfig.DEFAULTS.withDataDir(dataDir)));
    try (HeraldNode first = HeraldNode.open(config)) {
      assertThatThrownBy(() -> HeraldNode.open(config))
          .isInstanceOfSatisfying(
              HistoryUnavailableException.class, e -> assertThat(e.setting()).isEqualTo("data-dir"))
          .hasMessageContaining("already open in this process");
      assertThat(first.server()).isNull();
    }
  }

  @Test
  void aClosedNodeDoesNotListen() {
    HeraldNode node = HeraldNode.open(NodeConfig.inMemory(server(0, 100)));
    node.close();
    node.close();
    assertThatThrownBy(() -> node.listen(Clock.systemUTC(), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("node closed");
  }
}
