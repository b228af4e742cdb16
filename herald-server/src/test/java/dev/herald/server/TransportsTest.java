package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every socket layer serves the same streams; auto (the rest of the suite) picks the best. */
class TransportsTest extends ServerTestBase {

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void eachTransportStreamsEvents(String transport) throws Exception {
    restart(config().transport(transport).build());
    assertThat(server.transportName()).isEqualTo(transport);
    try (SseClient sub = SseClient.open(http, subscribeUri("t"), Map.of())) {
      publishOk("topic=t&data=over-" + transport);
      assertThat(sub.next().data()).isEqualTo("over-" + transport);
    }
  }
}
