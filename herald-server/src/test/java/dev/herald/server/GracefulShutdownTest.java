package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Hub;
import dev.herald.core.history.MemoryHistory;
import dev.herald.core.sse.SseEvent;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stopping hub tells its subscribers when to come back, and a new one resumes them. */
class GracefulShutdownTest extends ServerTestBase {

  @Test
  void subscribersOfAStoppingHubResumeOnTheNextOneWithoutLoss() throws Exception {
    MemoryHistory shared = new MemoryHistory(1_000);
    ServerConfig config = config().shutdownGrace(Duration.ofSeconds(5)).build();
    server.close();
    server = HeraldServer.builder(config).hub(new Hub(config.hub(), shared)).start();
    base = "http://127.0.0.1:" + server.port();

    SseEvent last;
    try (SseClient sub = SseClient.open(http, subscribeUri("t"), Map.of())) {
      publishOk("topic=t&data=1");
      publishOk("topic=t&data=2");
      assertThat(sub.next().data()).isEqualTo("1");
      last = sub.next();
      assertThat(last.data()).isEqualTo("2");
      server.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> sub.ended);
      assertThat(sub.rawLines).anySatisfy(line -> assertThat(line).matches("retry: \\d{4,5}"));
    }

    server = HeraldServer.builder(config).hub(new Hub(config.hub(), shared)).start();
    base = "http://127.0.0.1:" + server.port();
    publishOk("topic=t&data=3 (published while the subscriber was away)");
    try (SseClient resumed =
        SseClient.open(
            http, URI.create(subscribeUri("t").toString()), Map.of("Last-Event-ID", last.id()))) {
      assertThat(resumed.response.headers().firstValue("last-event-id")).hasValue(last.id());
      assertThat(resumed.next().data()).isEqualTo("3 (published while the subscriber was away)");
      publishOk("topic=t&data=4");
      assertThat(resumed.next().data()).isEqualTo("4");
    }
  }
}
