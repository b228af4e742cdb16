package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.server.HeraldServer;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void noArgumentsMeansServe() {
    assertThat(Main.withDefaultCommand(new String[0])).containsExactly("serve");
  }

  @Test
  void aServeOptionFirstMeansServe() {
    assertThat(Main.withDefaultCommand(new String[] {"--listen", ":8080", "--no-demo"}))
        .containsExactly("serve", "--listen", ":8080", "--no-demo");
    assertThat(Main.withDefaultCommand(new String[] {"--history-size=5"}))
        .containsExactly("serve", "--history-size=5");
  }

  @Test
  void commandsAndTopLevelOptionsAreLeftAlone() {
    for (String[] args :
        new String[][] {
          {"token", "--key", "k"}, {"--help"}, {"--version"}, {"-h"}, {"-V"}, {"publish", "-h"}
        }) {
      assertThat(Main.withDefaultCommand(args)).containsExactly(args);
    }
  }

  /** A bare {@code herald} really starts the hub in development mode (port from the env). */
  @Test
  void bareHeraldStartsTheHubInDevelopmentMode() throws Exception {
    try (Cli cli = new Cli(Map.of("HERALD_LISTEN", "127.0.0.1:0"))) {
      HeraldServer server = cli.start().awaitServer();
      InetSocketAddress bound = server.boundAddresses().get(0);
      assertThat(bound.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(bound.getPort()).isPositive();
      String hub = "http://127.0.0.1:" + bound.getPort() + "/.well-known/mercure";
      assertThat(cli.out()).contains("Development mode").contains("hub:        " + hub);

      Matcher token = Pattern.compile("publisher token: +(\\S+)").matcher(cli.out());
      assertThat(token.find()).as(cli.out()).isTrue();
      String form = "topic=https://example.com/books/1&data=hi";
      assertThat(HubFixture.publish(hub, token.group(1), form).statusCode()).isEqualTo(200);

      cli.serve().stop.countDown();
      assertThat(cli.awaitExit()).isZero();
      assertThat(cli.err()).isEmpty();
      assertThatThrownBy(() -> HubFixture.getStatus(hub + "?topic=x"))
          .as("hub stopped")
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void optionsWithoutACommandGoToServe() throws Exception {
    try (Cli cli = new Cli()) {
      HeraldServer server =
          cli.start("--listen", "127.0.0.1:0", "--jwt-key", HubFixture.SECRET).awaitServer();
      assertThat(cli.out())
          .contains("Herald is listening on [/127.0.0.1:" + server.port() + "]")
          .doesNotContain("Development mode");
      cli.serve().stop.countDown();
      assertThat(cli.awaitExit()).isZero();
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    Cli cli = new Cli();
    assertThat(cli.run("bogus")).isEqualTo(Main.USAGE_ERROR);
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .startsWith("herald: ")
        .contains("'bogus'");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void helpListsEveryCommandWithAOneSentenceSummary() {
    Cli cli = new Cli();
    assertThat(cli.run("--help")).isZero();
    String help = cli.out();
    for (String command : new String[] {"serve", "publish", "subscribe", "token"}) {
      // Picocli shows the first description line as the summary, wrapped with deep indentation.
      Matcher entry = Pattern.compile("\n  " + command + " +(.+(?:\n {8,}.+)*)").matcher(help);
      assertThat(entry.find()).as(help).isTrue();
      assertThat(entry.group(1).replaceAll("\\s+", " ")).as(command).endsWith(".");
    }
  }

  @Test
  void serveHelpShowsTheEnvironmentParagraphWhole() {
    Cli cli = new Cli();
    assertThat(cli.run("serve", "--help")).isZero();
    String text = cli.out().replaceAll("\\s+", " ");
    assertThat(text)
        .contains(
            "Runs the hub until the process is stopped. Every option can also be"
                + " set with an environment variable HERALD_<OPTION>, e.g. HERALD_HISTORY_SIZE=5000.");
    assertThat(text).contains("--listen=HOST:PORT", "(default: localhost:3000)");
  }

  @Test
  void everyCommandPrintsTheSameVersion() {
    Cli top = new Cli();
    assertThat(top.run("--version")).isZero();
    assertThat(top.out()).startsWith("herald ");
    for (String command : new String[] {"serve", "publish", "subscribe", "token"}) {
      Cli cli = new Cli();
      assertThat(cli.run(command, "--version")).isZero();
      assertThat(cli.out()).as(command).isEqualTo(top.out());
    }
  }
}
