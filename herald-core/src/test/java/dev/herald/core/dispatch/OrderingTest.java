package dev.herald.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.history.MemoryHistory;
import dev.herald.core.history.MemoryHistoryView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Hub#ordering()} says when another thread works on the hub's order, which is when a busy
 * event loop yields its core: true while a durable commit is under way on the dispatcher thread,
 * false once it is done and on an idle hub. A history whose append waits for the test plays the
 * disk; the JUnit thread plays the publisher.
 */
class OrderingTest {

  /** A history that blocks (as a disk store does) until the test lets its append finish. */
  private static final class HeldHistory extends MemoryHistoryView {
    final CountDownLatch appendStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HeldHistory() {
      super(new MemoryHistory(100), Runnable::run);
    }

    @Override
    public void append(List<Event> events) {
      appendStarted.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      super.append(events);
    }
  }

  @Test
  void trueWhileACommitIsUnderWayElsewhere() throws Exception {
    HeldHistory history = new HeldHistory();
    try (Hub hub = new Hub(HubConfig.DEFAULTS, history)) {
      assertThat(hub.ordering()).isFalse();

      CompletableFuture<Event> published = hub.publish(Update.of("https://example.com/t", "held"));
      assertThat(history.appendStarted.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(hub.ordering()).isTrue();

      history.release.countDown();
      assertThat(published.get(10, TimeUnit.SECONDS).sequence()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> !hub.ordering());
    }
  }
}
