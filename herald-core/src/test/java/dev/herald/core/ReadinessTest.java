package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.history.History;
import dev.herald.core.history.MemoryHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A hub whose history cannot append (a full disk) is not ready: each publish fails with 503 and the
 * reason, {@code /readyz} says why, and both recover with the first append that succeeds.
 */
class ReadinessTest {

  /** A memory history whose disk can be filled up and freed. */
  private static final class FullDisk implements History {
    private final MemoryHistory events = new MemoryHistory(100);
    volatile boolean full;

    @Override
    public void append(List<Event> batch) {
      if (full) {
        throw new UncheckedIOException(new IOException("No space left on device"));
      }
      events.append(batch);
    }

    @Override
    public List<Event> read(long afterSequence, long upToSequence, int max) {
      return events.read(afterSequence, upToSequence, max);
    }

    @Override
    public long sequenceOf(String id) {
      return events.sequenceOf(id);
    }

    @Override
    public long lastSequence() {
      return events.lastSequence();
    }

    @Override
    public String lastId() {
      return events.lastId();
    }
  }

  @Test
  void aHistoryThatCannotAppendMakesTheHubUnreadyUntilAnAppendSucceeds() {
    FullDisk disk = new FullDisk();
    try (Hub hub = new Hub(HubConfig.DEFAULTS, disk)) {
      hub.publish(Update.of("t", "before")).join();
      assertThat(hub.readiness()).isEqualTo(Readiness.READY);

      disk.full = true;
      assertThatThrownBy(() -> hub.publish(Update.of("t", "lost")).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(HubException.class)
          .hasMessage("history write failed: java.io.IOException: No space left on device");
      assertThat(hub.readiness())
          .isEqualTo(
              Readiness.notReady(
                  "history cannot append: java.io.IOException: No space left on device"));

      disk.full = false;
      hub.publish(Update.of("t", "after")).join();
      assertThat(hub.readiness()).isEqualTo(Readiness.READY);
    }
  }
}
