package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Hub;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A subscription the hub refuses once the stream is built (here: the hub is shutting down, so its
 * dispatcher fails the registration) is answered as every error is: a 503 with a one-line reason,
 * and the stream built for it is closed, not left open.
 */
class RegistrationRefusedTest extends ServerTestBase {

  @Test
  void aRefusedRegistrationIsA503AndLeavesNoStream() throws Exception {
    ServerConfig config = config().build();
    Hub hub = new Hub(config.hub());
    server.close();
    server = HeraldServer.builder(config).hub(hub).start();
    base = "http://127.0.0.1:" + server.port();
    hub.close();

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(subscribeUri("https://example.com/t"))
                .header("Authorization", "Bearer " + token(null, List.of("*"), null))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("shutting down").doesNotContain("\n\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 0);
  }
}
