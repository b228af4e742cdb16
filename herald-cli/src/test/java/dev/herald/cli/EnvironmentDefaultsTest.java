package dev.herald.cli;

import static dev.herald.cli.HubFixture.OTHER_SECRET;
import static dev.herald.cli.HubFixture.SECRET;
import static dev.herald.cli.HubFixture.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.HeraldServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options of {@code serve} read from a given environment, checked on the hub they start. */
class EnvironmentDefaultsTest {

  private static final String TOPIC = "https://example.com/books/1";
  private static final String PUBLISH_FORM = "topic=" + HubFixture.enc(TOPIC) + "&data=x";

  @Test
  void variableNameIsTheOptionNameInUpperSnakeCase() {
    assertThat(EnvironmentDefaults.variableFor("--history-size")).isEqualTo("HERALD_HISTORY_SIZE");
    assertThat(EnvironmentDefaults.variableFor("--jwt-key")).isEqualTo("HERALD_JWT_KEY");
  }

  @Test
  void heraldVariablesConfigureTheHub() throws Exception {
    Map<String, String> env =
        Map.of(
            "HERALD_LISTEN", "127.0.0.1:0",
            "HERALD_HISTORY_SIZE", "7",
            "HERALD_JWT_KEY", SECRET,
            "HERALD_DEMO", "false");
    try (Cli cli = new Cli(env)) {
      HeraldServer server = cli.start().awaitServer();
      String hub = HubFixture.hubUrl(server);
      assertThat(server.hub().config().historySize()).isEqualTo(7);
      assertThat(cli.out()).doesNotContain("Development mode");
      assertThat(
              HubFixture.publish(hub, token(SECRET, List.of("*"), null), PUBLISH_FORM).statusCode())
          .isEqualTo(200);
      assertThat(
              HubFixture.publish(hub, token(OTHER_SECRET, List.of("*"), null), PUBLISH_FORM)
                  .statusCode())
          .isEqualTo(401);
      assertThat(HubFixture.getStatus("http://127.0.0.1:" + server.port() + "/sse"))
          .as("demo off")
          .isEqualTo(404);
    }
  }

  @Test
  void theAuthorizationCallbackComesFromTheEnvironmentToo() throws Exception {
    Map<String, String> env =
        Map.of(
            "HERALD_LISTEN", "127.0.0.1:0",
            "HERALD_JWT_KEY", SECRET,
            "HERALD_WARM_UP", "0",
            "HERALD_AUTH_CALLBACK", "http://127.0.0.1:9/auth",
            "HERALD_AUTH_CALLBACK_COOKIES", "session",
            "HERALD_AUTH_CALLBACK_TIMEOUT", "750ms");
    try (Cli cli = new Cli(env)) {
      HeraldServer server = cli.start().awaitServer();
      // Nothing listens on the discard port: the hub asks, fails and refuses, never opens.
      java.net.http.HttpResponse<String> refused =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(HubFixture.hubUrl(server) + "?topic=t"))
                      .header("Cookie", "session=s1")
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).startsWith("authorization callback failed");
      assertThat(refused.headers().firstValue("retry-after")).isPresent();
    }
  }

  @Test
  void serveWarmsUpBeforeReadyUnlessToldNot() throws Exception {
    // The test harness sets HERALD_WARM_UP=0; the option's own default is the recommended one.
    assertThat(ServeDefaults.duration(dev.herald.server.ServerConfig.RECOMMENDED_WARM_UP))
        .isEqualTo("3s");
    try (Cli cli = new Cli(Map.of("HERALD_LISTEN", "127.0.0.1:0", "HERALD_WARM_UP", "5m"))) {
      HeraldServer server = cli.start("serve").awaitServer();
      // Longer than the test: only closing the hub ends this warm-up, never the wall clock.
      assertThat(server.readiness().ready()).isFalse();
      assertThat(server.readiness().reason()).startsWith("warming up (300s");
    }
    try (Cli cli = new Cli(Map.of("HERALD_LISTEN", "127.0.0.1:0"))) {
      HeraldServer server = cli.start("serve", "--warm-up", "0").awaitServer();
      assertThat(server.readiness().ready()).isTrue();
    }
  }

  @Test
  void commandLineWinsOverTheEnvironment() throws Exception {
    Map<String, String> env = Map.of("HERALD_LISTEN", "127.0.0.1:0", "HERALD_HISTORY_SIZE", "7");
    try (Cli cli = new Cli(env)) {
      HeraldServer server = cli.start("serve", "--history-size", "5").awaitServer();
      assertThat(server.hub().config().historySize()).isEqualTo(5);
    }
  }

  @Test
  void mercureKeyVariablesSplitPublisherAndSubscriberKeys() throws Exception {
    String publisherSecret = "publisher-secret-that-is-long-enough-for-hs256";
    String subscriberSecret = "subscriber-secret-that-is-long-enough-for-hs256";
    Map<String, String> env =
        Map.of(
            "HERALD_LISTEN", "127.0.0.1:0",
            "MERCURE_PUBLISHER_JWT_KEY", publisherSecret,
            "MERCURE_SUBSCRIBER_JWT_KEY", subscriberSecret);
    try (Cli cli = new Cli(env)) {
      String hub = HubFixture.hubUrl(cli.start().awaitServer());
      assertThat(cli.out()).doesNotContain("Development mode");
      List<String> all = List.of("*");
      assertThat(
              HubFixture.publish(hub, token(publisherSecret, all, null), PUBLISH_FORM).statusCode())
          .isEqualTo(200);
      assertThat(
              HubFixture.publish(hub, token(subscriberSecret, all, null), PUBLISH_FORM)
                  .statusCode())
          .isEqualTo(401);
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, token(subscriberSecret, null, all)))
          .isEqualTo(200);
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, token(publisherSecret, null, all)))
          .isEqualTo(401);
    }
  }

  @Test
  void heraldVariableWinsOverTheMercureOne() throws Exception {
    Map<String, String> env =
        Map.of(
            "HERALD_LISTEN", "127.0.0.1:0",
            "HERALD_PUBLISHER_JWT_KEY", SECRET,
            "MERCURE_PUBLISHER_JWT_KEY", OTHER_SECRET);
    try (Cli cli = new Cli(env)) {
      String hub = HubFixture.hubUrl(cli.start().awaitServer());
      assertThat(
              HubFixture.publish(hub, token(SECRET, List.of("*"), null), PUBLISH_FORM).statusCode())
          .isEqualTo(200);
      assertThat(
              HubFixture.publish(hub, token(OTHER_SECRET, List.of("*"), null), PUBLISH_FORM)
                  .statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void wrongValueFromTheEnvironmentIsAUsageError() throws Exception {
    Map<String, String> env = Map.of("HERALD_LISTEN", "127.0.0.1:0", "HERALD_HISTORY_SIZE", "-1");
    try (Cli cli = new Cli(env)) {
      assertThat(cli.start().awaitExit()).isEqualTo(Main.USAGE_ERROR);
      assertThat(cli.errLines()).containsExactly("serve: history-size: -1 (expected: >= 0)");
    }
  }
}
