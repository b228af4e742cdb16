package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.HeraldServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --no-ui} and {@code --admin-listen}, from the command line and from their {@code HERALD_*}
 * variables, checked over real sockets on the hub they start. Runs on the JUnit thread.
 */
class ListenerOptionsTest {

  @Test
  void theVariablesTurnTheUiOffAndMoveTheAdminRoutes() throws Exception {
    Map<String, String> env =
        Map.of(
            "HERALD_LISTEN", "127.0.0.1:0",
            "HERALD_JWT_KEY", HubFixture.SECRET,
            "HERALD_UI", "false",
            "HERALD_ADMIN_LISTEN", "127.0.0.1:0");
    try (Cli cli = new Cli(env)) {
      assertSplit(cli, cli.start().awaitServer());
    }
  }

  @Test
  void theOptionsTurnTheUiOffAndMoveTheAdminRoutes() throws Exception {
    try (Cli cli = new Cli()) {
      HeraldServer server =
          cli.start(
                  "serve",
                  "--listen",
                  "127.0.0.1:0",
                  "--jwt-key",
                  HubFixture.SECRET,
                  "--no-ui",
                  "--admin-listen",
                  "127.0.0.1:0")
              .awaitServer();
      assertSplit(cli, server);
    }
  }

  @Test
  void byDefaultThePublicListenerServesEverything() throws Exception {
    try (Cli cli = new Cli()) {
      HeraldServer server =
          cli.start("serve", "--listen", "127.0.0.1:0", "--jwt-key", HubFixture.SECRET)
              .awaitServer();
      String origin = "http://127.0.0.1:" + server.port();
      assertThat(HubFixture.getStatus(origin + "/")).isEqualTo(200);
      assertThat(HubFixture.getStatus(origin + "/metrics")).isEqualTo(200);
      assertThat(server.boundAdminAddress()).isNull();
      assertThat(cli.out()).contains("demo page:").doesNotContain("admin:");
    }
  }

  private static void assertSplit(Cli cli, HeraldServer server) throws Exception {
    String origin = "http://127.0.0.1:" + server.port();
    String admin = "http://127.0.0.1:" + server.boundAdminAddress().getPort();
    assertThat(HubFixture.getStatus(origin + "/")).as("UI off").isEqualTo(404);
    assertThat(HubFixture.getStatus(origin + "/info")).as("UI off").isEqualTo(404);
    assertThat(HubFixture.getStatus(origin + "/metrics")).as("admin moved").isEqualTo(404);
    assertThat(HubFixture.getStatus(admin + "/metrics")).isEqualTo(200);
    assertThat(HubFixture.getStatus(admin + "/healthz")).isEqualTo(200);
    assertThat(HubFixture.getStatus(admin + "/.well-known/mercure")).isEqualTo(404);
    assertThat(cli.out())
        .contains("admin:      " + admin + "/metrics, /healthz, /readyz")
        .doesNotContain("demo page:");
  }
}
