package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every socket layer serves the same streams; auto (the rest of the suite) picks the best. A native
 * layer this machine lacks (io_uring on an older kernel or in a sandbox) is skipped with Netty's
 * reason: its absence is the machine's, and TransportFallbackTest covers what auto then does.
 */
class TransportsTest extends ServerTestBase {

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void eachTransportStreamsEvents(String transport) throws Exception {
    Transport.Natives natives = Transport.Natives.probe();
    String missing =
        switch (transport) {
          case "io_uring" -> natives.ioUringUnavailable();
          case "epoll" -> natives.epollUnavailable();
          default -> null;
        };
    Assumptions.assumeTrue(missing == null, () -> transport + " is not available here: " + missing);
    restart(config().transport(transport).build());
    assertThat(server.transportName()).isEqualTo(transport);
    try (SseClient sub = SseClient.open(http, subscribeUri("t"), Map.of())) {
      publishOk("topic=t&data=over-" + transport);
      assertThat(sub.next().data()).isEqualTo("over-" + transport);
    }
  }
}
