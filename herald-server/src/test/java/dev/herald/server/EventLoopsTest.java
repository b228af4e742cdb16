package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.sse.SseEvent;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A hub with three event loops (`--event-loops 3`): connections are spread over the loops, each
 * loop delivers to its own subscribers, and every subscriber still sees the hub's one order, live
 * and on resume, with publishers on several connections at once. Real sockets throughout.
 */
class EventLoopsTest extends ServerTestBase {

  @Override
  ServerConfig.Builder config() {
    return super.config().eventLoops(3).hub(super.config().build().hub().withHistorySize(1_000));
  }

  /** One client per connection, so Netty hands each to the next loop. */
  private static HttpClient ownConnection() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @Test
  void subscribersOnEveryLoopGetEveryEventInTheHubsOneOrder() throws Exception {
    List<SseClient> subscribers = new ArrayList<>();
    ExecutorService publishers = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 6; i++) {
        subscribers.add(SseClient.open(ownConnection(), subscribeUri("t"), Map.of()));
      }
      int each = 40;
      List<Future<List<String>>> sent = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        int publisher = p;
        sent.add(
            publishers.submit(
                () -> {
                  List<String> ids = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    ids.add(publishOk("topic=t&data=" + publisher + "-" + i));
                  }
                  return ids;
                }));
      }
      List<String> allIds = new ArrayList<>();
      for (Future<List<String>> ids : sent) {
        allIds.addAll(ids.get(30, TimeUnit.SECONDS));
      }

      List<String> firstOrder = null;
      for (SseClient subscriber : subscribers) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 2 * each; i++) {
          order.add(subscriber.next().id());
        }
        assertThat(order).containsExactlyInAnyOrderElementsOf(allIds);
        if (firstOrder == null) {
          firstOrder = order;
        }
        assertThat(order).as("the hub's one order").isEqualTo(firstOrder);
      }
      // The publisher's and the subscribers' connections landed on all three loops.
      assertThat(server.hub().deliveryLoops()).isEqualTo(3);
    } finally {
      publishers.shutdownNow();
      subscribers.forEach(SseClient::close);
    }
  }

  @Test
  void aResumeOnAnotherLoopContinuesRightAfterItsLastEventId() throws Exception {
    try (SseClient first = SseClient.open(ownConnection(), subscribeUri("t"), Map.of())) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ids.add(publishOk("topic=t&data=" + i));
      }
      for (int i = 0; i < 4; i++) {
        assertThat(first.next().id()).isEqualTo(ids.get(i));
      }
      // Each new connection goes to the next loop: resume on two others while publishing goes on.
      try (SseClient second =
              SseClient.open(
                  ownConnection(), subscribeUri("t"), Map.of("Last-Event-ID", ids.get(3)));
          SseClient third =
              SseClient.open(
                  ownConnection(), subscribeUri("t"), Map.of("Last-Event-ID", ids.get(3)))) {
        for (int i = 10; i < 20; i++) {
          ids.add(publishOk("topic=t&data=" + i));
        }
        for (SseClient resumed : List.of(second, third)) {
          List<String> got = new ArrayList<>();
          for (int i = 4; i < 20; i++) {
            SseEvent event = resumed.next();
            got.add(event.id());
          }
          assertThat(got).containsExactlyElementsOf(ids.subList(4, 20));
        }
      }
    }
  }
}
