package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.presence.PresenceEvents;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Honest leave: a subscriber whose client stopped reading (its socket full, no FIN) is taken for
 * gone within about two heartbeats, and its subscription is announced inactive, although its queue
 * is far from full (so the slow-consumer cut is not what ends it). Real sockets; the client is a
 * raw socket with a small receive buffer that reads the response head, then nothing.
 *
 * <p>A peer whose packets are dropped altogether is left to the kernel on epoll and io_uring
 * ({@code TCP_USER_TIMEOUT} of one heartbeat, set by the server): a loopback test cannot drop
 * packets without privileges, so that path is not exercised here.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HonestLeaveTest extends ServerTestBase {

  private static final Duration HEARTBEAT = Duration.ofMillis(300);
  private static final String TOPIC = "https://example.com/rooms/stalled";

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .anonymous(true)
        .heartbeat(HEARTBEAT)
        .hub(
            HubConfig.DEFAULTS
                .withHistorySize(100)
                .withSubscriberQueueCapacity(100_000)
                .withSubscriptionEvents(true));
  }

  /**
   * On epoll and io_uring the kernel may end it first ({@code TCP_USER_TIMEOUT} also bounds a zero
   * window on recent kernels); NIO has no such option, so there the heartbeat's own check must.
   */
  @ParameterizedTest
  @ValueSource(strings = {"auto", "nio"})
  void aClientThatStopsReadingIsAnnouncedInactiveWithinAboutTwoHeartbeats(String transport)
      throws Exception {
    restart(config().transport(transport).build());
    List<ActiveSubscription> told = new CopyOnWriteArrayList<>();
    server
        .hub()
        .tellPresence(
            new PresenceEvents() {
              @Override
              public void subscriptionChanged(ActiveSubscription subscription) {
                told.add(subscription);
              }

              @Override
              public void topicOccupied(String topic) {}

              @Override
              public void topicVacated(String topic) {}
            });
    try (Socket client = new Socket()) {
      client.setReceiveBufferSize(4 * 1024); // before connecting: the window stays small
      client.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      OutputStream out = client.getOutputStream();
      out.write(
          ("GET /.well-known/mercure?topic="
                  + enc(TOPIC)
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = client.getInputStream();
      byte[] head = new byte[12];
      assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      await().atMost(Duration.ofSeconds(10)).until(() -> server.hub().presence().count(TOPIC) == 1);

      // From here on the client reads nothing: the server's socket and outbound buffer fill up.
      String data = "x".repeat(64 * 1024);
      for (int i = 0; i < 300; i++) {
        server.hub().publish(new Update(List.of(TOPIC), data, false, null, null, null)).join();
      }

      await().atMost(Duration.ofSeconds(20)).until(() -> server.hub().presence().count(TOPIC) == 0);
      assertThat(server.hub().slowConsumerCuts()).isZero();
      assertThat(told).extracting(ActiveSubscription::active).containsExactly(true, false);
    }
  }
}
