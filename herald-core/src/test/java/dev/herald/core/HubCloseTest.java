package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.history.MemoryHistory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Closing a hub twice (an embedder closes its hub, then the server that serves it closes it again)
 * is harmless, and a closed hub refuses work with the reason instead of failing the caller's
 * thread. Runs on the JUnit thread.
 */
class HubCloseTest {

  @Test
  void aSecondCloseDoesNothingAndLateWorkIsRefusedWithItsReason() {
    Hub hub = new Hub(HubConfig.DEFAULTS, new MemoryHistory(10));
    hub.close();
    hub.close();

    assertThat(hub.publish(Update.of("https://example.com/t", "late")))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(HubException.class)
        .withMessageContaining("shutting down");
  }
}
