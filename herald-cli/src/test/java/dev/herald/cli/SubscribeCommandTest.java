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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code subscribe} against hubs on real sockets, including one that goes away and comes back. */
class SubscribeCommandTest {

  private static final String TOPIC = "https://example.com/books/1";

  private static String form(String id, String data) {
    return "topic=" + enc(TOPIC) + "&id=" + enc(id) + "&data=" + enc(data);
  }

  @Test
  void printsEventsInSseFormAndStopsAfterMaxEvents() throws Exception {
    try (Cli cli = new Cli();
        HeraldServer server = HubFixture.start()) {
      String hub = HubFixture.hubUrl(server);
      cli.start(
          "subscribe",
          "--hub",
          hub,
          "--topic",
          "https://example.com/books/{id}",
          "--max-events",
          "2");
      await().atMost(Cli.WAIT).until(() -> server.hub().subscriberCount() == 1);

      publishOk(hub, form("e1", "first\nsecond") + "&type=created");
      publishOk(hub, form("e2", "third"));
      publishOk(hub, form("e3", "not printed"));

      assertThat(cli.awaitExit()).as(cli.err()).isZero();
      assertThat(cli.out().lines())
          .containsExactly(
              "id: e1",
              "event: created",
              "data: first",
              "data: second",
              "",
              "id: e2",
              "data: third",
              "");
      assertThat(cli.err()).isEmpty();
    }
  }

  @Test
  void rejectedTokenExits1WithoutRetrying() throws Exception {
    try (Cli cli = new Cli();
        HeraldServer server = HubFixture.start()) {
      String badToken = HubFixture.token(HubFixture.OTHER_SECRET, null, List.of("*"));
      cli.start(
          "subscribe", "--hub", HubFixture.hubUrl(server), "--topic", TOPIC, "--token", badToken);
      assertThat(cli.awaitExit()).isEqualTo(1);
      assertThat(cli.errLines()).singleElement().asString().startsWith("subscribe: HTTP 401: ");
      assertThat(cli.out()).isEmpty();
    }
  }

  /**
   * The hub stops after two events; two more are published while no hub listens; a new hub on the
   * same port, sharing the history, comes up. The subscriber must reconnect with Last-Event-ID and
   * print the missed events, each exactly once.
   */
  @Test
  void resumesAfterTheHubRestartsWithoutGapOrDuplicate() throws Exception {
    MemoryHistory history = new MemoryHistory(100);
    ServerConfig config = HubFixture.config().build();
    HeraldServer first = HeraldServer.builder(config).hub(new Hub(config.hub(), history)).start();
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
        second =
            HeraldServer.builder(config.toBuilder().listen(List.of(port)).build())
                .hub(restarted)
                .start();

        assertThat(cli.awaitExit()).as(cli.err()).isZero();
        assertThat(cli.out().lines())
            .containsExactly(
                "id: e1",
                "data: one",
                "",
                "id: e2",
                "data: two",
                "",
                "id: e3",
                "data: three",
                "",
                "id: e4",
                "data: four",
                "");
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

  /**
   * A connection cut after an event's {@code id:} line but before its blank line: that event was
   * never received, so the reconnection must ask for what follows the previous one.
   */
  @Test
  void eventCutOffMidwayIsAskedForAgain() throws Exception {
    String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
    try (ServerSocket hub = new ServerSocket(0, 2, InetAddress.getByName("127.0.0.1"));
        Cli cli = new Cli()) {
      CompletableFuture<String> resumeHeader =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  try (Socket first = hub.accept()) {
                    readRequest(first);
                    first
                        .getOutputStream()
                        .write(
                            (head + "id: a\ndata: 1\n\nid: b\n").getBytes(StandardCharsets.UTF_8));
                  }
                  try (Socket second = hub.accept()) {
                    String request = readRequest(second);
                    second
                        .getOutputStream()
                        .write((head + "id: b\ndata: 2\n\n").getBytes(StandardCharsets.UTF_8));
                    second.getOutputStream().flush();
                    second.getInputStream().readAllBytes(); // until the subscriber hangs up
                    return request
                        .lines()
                        .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("last-event-id:"))
                        .findFirst()
                        .orElse("(none)");
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      cli.subscribe().retry = Duration.ofMillis(50);
      String hubUrl = HubFixture.hubUrl((InetSocketAddress) hub.getLocalSocketAddress());
      cli.start("subscribe", "--hub", hubUrl, "--topic", TOPIC, "--max-events", "2");
      assertThat(cli.awaitExit()).as(cli.err()).isZero();
      assertThat(resumeHeader.get(Cli.WAIT.toSeconds(), TimeUnit.SECONDS))
          .isEqualToIgnoringCase("Last-Event-ID: a");
      assertThat(cli.out().lines()).containsExactly("id: a", "data: 1", "", "id: b", "data: 2", "");
    }
  }

  /** Reads request headers up to the blank line; bounded by the socket timeout. */
  private static String readRequest(Socket socket) throws IOException {
    socket.setSoTimeout((int) Cli.WAIT.toMillis());
    StringBuilder request = new StringBuilder();
    InputStream in = socket.getInputStream();
    while (request.indexOf("\r\n\r\n") < 0) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early: " + request);
      }
      request.append((char) b);
    }
    return request.toString();
  }
}
