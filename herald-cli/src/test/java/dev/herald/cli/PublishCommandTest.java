package dev.herald.cli;

import static dev.herald.cli.HubFixture.OTHER_SECRET;
import static dev.herald.cli.HubFixture.PUBLISHER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.HeraldServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code publish} against a hub on a real socket. */
class PublishCommandTest {

  private static final String TOPIC = "https://example.com/books/1";

  private HeraldServer server;
  private String hub;

  @BeforeEach
  void startHub() throws Exception {
    server = HubFixture.start();
    hub = HubFixture.hubUrl(server);
  }

  @AfterEach
  void stopHub() {
    server.close();
  }

  @Test
  void printsTheIdAndTheEventCarriesEveryField() throws Exception {
    Cli cli = new Cli();
    int exit =
        cli.run(
            "publish",
            "--hub",
            hub,
            "--topic",
            TOPIC,
            "--topic",
            "urn:alt",
            "--data",
            "line one\nline two",
            "--id",
            "book-1",
            "--type",
            "created",
            "--retry",
            "2500",
            "--token",
            PUBLISHER);
    assertThat(exit).as(cli.err()).isZero();
    assertThat(cli.out()).isEqualTo("book-1" + System.lineSeparator());
    assertThat(cli.err()).isEmpty();
    assertThat(server.hub().lastEventId()).isEqualTo("book-1");

    // Read it back from history, through the alternate topic.
    Cli subscriber = new Cli();
    exit =
        subscriber.run(
            "subscribe",
            "--hub",
            hub,
            "--topic",
            "urn:alt",
            "--last-event-id",
            "earliest",
            "--max-events",
            "1");
    assertThat(exit).as(subscriber.err()).isZero();
    assertThat(subscriber.out().lines())
        .containsExactly("id: book-1", "event: created", "data: line one", "data: line two", "");
  }

  @Test
  void withoutIdPrintsTheIdTheHubGenerated() {
    Cli cli = new Cli();
    assertThat(cli.run("publish", "--hub", hub, "--topic", TOPIC, "--token", PUBLISHER)).isZero();
    assertThat(cli.out().strip()).startsWith("urn:uuid:").isEqualTo(server.hub().lastEventId());
  }

  @Test
  void wrongTokenExits1WithTheHubsReason() {
    Cli cli = new Cli();
    int exit =
        cli.run(
            "publish",
            "--hub",
            hub,
            "--topic",
            TOPIC,
            "--data",
            "x",
            "--token",
            HubFixture.token(OTHER_SECRET, List.of("*"), null));
    assertThat(exit).isEqualTo(1);
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .startsWith("publish: HTTP 401: ")
        .contains("signature");
    assertThat(cli.out()).isEmpty();
    assertThat(server.hub().publishedEvents()).isZero();
  }

  @Test
  void invalidUpdateExits1WithTheHubsReason() {
    Cli cli = new Cli();
    assertThat(
            cli.run(
                "publish", "--hub", hub, "--topic", TOPIC, "--id", "#frag", "--token", PUBLISHER))
        .isEqualTo(1);
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .startsWith("publish: HTTP 400: id: #frag");
  }

  @Test
  void missingTokenIsAUsageError() {
    Cli cli = new Cli();
    assertThat(cli.run("publish", "--hub", hub, "--topic", TOPIC)).isEqualTo(Main.USAGE_ERROR);
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .startsWith("publish: ")
        .contains("--token");
  }

  @Test
  void unreachableHubExits1() throws Exception {
    String closed = HubFixture.hubUrl(SubscribeCommandTest.closedPort());
    Cli cli = new Cli();
    assertThat(cli.run("publish", "--hub", closed, "--topic", TOPIC, "--token", PUBLISHER))
        .isEqualTo(1);
    assertThat(cli.errLines())
        .containsExactly("publish: cannot reach " + closed + ": java.net.ConnectException");
  }
}
