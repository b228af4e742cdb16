package dev.herald.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.history.MemoryHistory;
import dev.herald.core.history.MemoryHistoryView;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Idempotent publishing asks the history about ids publishers chose only: an id the hub generates
 * is new by construction, so the default publish (no id) costs no lookup, which for a durable
 * history would be a query per publish. Runs on the JUnit thread (a history that never blocks).
 */
class RetryLookupTest {

  /** A memory history that counts the lookups the hub makes. */
  private static final class CountingHistory extends MemoryHistoryView {
    final AtomicInteger lookups = new AtomicInteger();

    CountingHistory() {
      super(new MemoryHistory(100), Runnable::run);
    }

    @Override
    public long sequenceOf(String id) {
      lookups.incrementAndGet();
      return super.sequenceOf(id);
    }

    @Override
    public boolean neverBlocks() {
      return true;
    }
  }

  @Test
  void onlyAnIdThePublisherChoseIsLookedUp() throws Exception {
    CountingHistory history = new CountingHistory();
    try (Hub hub = new Hub(HubConfig.DEFAULTS, history)) {
      for (int i = 0; i < 10; i++) {
        hub.publish(Update.of("https://example.com/t", "generated " + i)).get(10, TimeUnit.SECONDS);
      }
      assertThat(history.lookups).hasValue(0);

      Event first =
          hub.publish(Update.of("https://example.com/t", "chosen").withId("urn:x:1"))
              .get(10, TimeUnit.SECONDS);
      Event retry =
          hub.publish(Update.of("https://example.com/t", "chosen").withId("urn:x:1"))
              .get(10, TimeUnit.SECONDS);
      assertThat(history.lookups).hasValue(2);
      assertThat(retry.sequence()).isEqualTo(first.sequence()).isEqualTo(11);
      assertThat(history.lastSequence()).isEqualTo(11);
    }
  }
}
