package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.launchdarkly.eventsource.ConnectStrategy;
import com.launchdarkly.eventsource.EventSource;
import com.launchdarkly.eventsource.MessageEvent;
import com.launchdarkly.eventsource.StreamException;
import dev.herald.core.Hub;
import dev.herald.core.history.MemoryHistory;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An SSE client nobody here wrote (LaunchDarkly's okhttp-eventsource) reads Herald's streams,
 * reconnects by itself when the hub restarts, and resumes with Last-Event-ID.
 */
class ThirdPartyClientTest extends ServerTestBase {

  /** The client reports each closed stream once, then reconnects on the next read. */
  private static MessageEvent readAcrossReconnects(EventSource client) throws Exception {
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        return client.readMessage();
      } catch (StreamException closed) {
        // reported once per lost connection; the next read reconnects with Last-Event-ID
      }
    }
    throw new AssertionError("no message after 5 reconnections");
  }

  @Test
  void existingEventSourceClientReconnectsAndResumes() throws Exception {
    MemoryHistory shared = new MemoryHistory(1_000);
    ServerConfig config = config().shutdownGrace(Duration.ofSeconds(5)).build();
    server.close();
    server = HeraldServer.builder(config).hub(new Hub(config.hub(), shared)).start();
    int port = server.port();
    base = "http://127.0.0.1:" + port;
    ServerConfig samePort =
        config.toBuilder().listen(List.of(new InetSocketAddress("127.0.0.1", port))).build();

    EventSource client =
        new EventSource.Builder(
                ConnectStrategy.http(subscribeUri("https://example.com/books/{id}"))
                    .readTimeout(30, TimeUnit.SECONDS))
            .retryDelay(100, TimeUnit.MILLISECONDS)
            .build();
    try {
      client.start();
      publishOk("topic=" + enc("https://example.com/books/1") + "&data=first&type=book");
      MessageEvent first = client.readMessage();
      assertThat(first.getData()).isEqualTo("first");
      assertThat(first.getEventName()).isEqualTo("book");

      server.close(); // the client sees the stream end and starts reconnecting
      server = HeraldServer.builder(samePort).hub(new Hub(samePort.hub(), shared)).start();
      // A new client: the old one may still hold a keep-alive connection to the same address
      // whose close by the stopped server it has not read yet, and a POST is not retried.
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      publishOk("topic=" + enc("https://example.com/books/2") + "&data=missed");

      MessageEvent resumed = readAcrossReconnects(client);
      assertThat(resumed.getData()).isEqualTo("missed");
      assertThat(client.getLastEventId()).isEqualTo(resumed.getLastEventId());
    } finally {
      client.close();
    }
  }
}
