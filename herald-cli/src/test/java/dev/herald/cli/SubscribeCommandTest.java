package dev.herald.cli;

import static dev.herald.cli.HubFixture.enc;
import static dev.herald.cli.HubFixture.publishOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Hub;
import dev.herald.core.Update;
import dev.herald.core.history.MemoryHistory;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code subscribe} against hubs on real sockets, including one that goes away and comes back. */
class SubscribeCommandTest {

  private static final String TOPIC = "https://example.com/books/1";

  private static String form(String id, String data) {
    return "topic=" + enc(TOPIC) + "&id=" + enc(id) + "&data=" + enc(data);
  }

  @Test
  void printsEventsInSseFormAndStopsAfterMaxEvents() throws Exception {
    try (Cli cli = new Cli(); HeraldServer server = HubFixture.start()) {
      String hub = HubFixture.hubUrl(server);
      cli.start("subscribe", "--hub", hub, "--topic", "https://example.com/books/{id}",
          "--max-events", "2");
      await().atMost(Cli.WAIT).until(() -> server.hub().subscriberCount() == 1);

      publishOk(hub, form("e1", "first\nsecond") + "&type=created");
      publishOk(hub, form("e2", "third"));
      publishOk(hub, form("e3", "not printed"));

      assertThat(cli.awaitExit()).as(cli.err()).isZero();
      assertThat(cli.out().lines()).containsExactly(
          "id: e1", "event: created", "data: first", "data: second", "",
          "id: e2", "data: third", "");
      assertThat(cli.err()).isEmpty();
    }
  }

  @Test
  void rejectedTokenExits1WithoutRetrying() throws Exception {
    try (Cli cli = new Cli(); HeraldServer server = HubFixture.start()) {
      String badToken = HubFixture.token(HubFixture.OTHER_SECRET, null, List.of("*"));
      cli.start("subscribe", "--hub", HubFixture.hubUrl(server), "--topic", TOPIC,
          "--token", badToken);
      assertThat(cli.awaitExit()).isEqualTo(1);
      assertThat(cli.errLines()).singleElement().asString().startsWith("subscribe: HTTP 401: ");
      assertThat(cli.out()).isEmpty();
    }
  }

  /**
   * The hub stops after two events; two more are published while no hub listens; a new hub on the
   * same port, sharing the history, comes up. The subscriber must reconnect with Last-Event-ID
   * and print the missed events, each exactly once.
   */
  @Test
  void resumesAfterTheHubRestartsWithoutGapOrDuplicate() throws Exception {
    MemoryHistory history = new MemoryHistory(100);
    ServerConfig config = HubFixture.config().build();
    HeraldServer first = HeraldServer.start(config, new Hub(config.hub(), history), Clock.systemUTC());
    boolean firstClosed = false;
    HeraldServer second = null;
    try (Cli cli = new Cli()) {
      try {
        String hub = HubFixture.hubUrl(first);
        cli.subscribe().retry = Duration.ofMillis(50);
        cli.start("subscribe", "--hub", hub, "--topic", TOPIC, "--max-events", "4");
        await().atMost(Cli.WAIT).until(() -> first.hub().subscriberCount() == 1);
        publishOk(hub, form("e1", "one"));
        publishOk(hub, form("e2", "two"));
        await().atMost(Cli.WAIT).until(() -> cli.out().contains("data: two"));

        InetSocketAddress port = first.boundAddresses().get(0);
        first.close();
        firstClosed = true; // HeraldServer.close is not idempotent
        Hub restarted = new Hub(config.hub(), history);
        restarted.publish(new Update(List.of(TOPIC), "three", false, "e3", null, null)).join();
        restarted.publish(new Update(List.of(TOPIC), "four", false, "e4", null, null)).join();
        second = HeraldServer.start(config.toBuilder().listen(List.of(port)).build(), restarted,
            Clock.systemUTC());

        assertThat(cli.awaitExit()).as(cli.err()).isZero();
        assertThat(cli.out().lines()).containsExactly(
            "id: e1", "data: one", "",
            "id: e2", "data: two", "",
            "id: e3", "data: three", "",
            "id: e4", "data: four", "");
        assertThat(cli.err()).contains("subscribe: reconnecting in ").contains(" after e2");
      } finally { // before the subscriber is stopped: ending its stream unblocks it
        if (!firstClosed) {
          first.close();
        }
        if (second != null) {
          second.close();
        }
      }
    }
  }

  @Test
  void unreachableHubIsRetriedWithTheReasonShown() throws Exception {
    try (Cli cli = new Cli()) {
      cli.subscribe().retry = Duration.ofMillis(50);
      cli.start("subscribe", "--hub", HubFixture.hubUrl(closedPort()), "--topic", TOPIC);
      await().atMost(Cli.WAIT).until(() -> cli.err().split("reconnecting in").length > 3);
      List<String> lines = cli.errLines().subList(0, 4);
      assertThat(lines.get(0)).isEqualTo("subscribe: connection lost: java.net.ConnectException");
      assertThat(lines.get(1)).startsWith("subscribe: reconnecting in ").endsWith(" ms");
      assertThat(lines.get(2)).isEqualTo(lines.get(0));
      assertThat(cli.out()).isEmpty();
    }
  }

  /** A loopback address nothing listens on (it was free a moment ago). */
  static InetSocketAddress closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }
  }
}
