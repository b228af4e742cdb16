package dev.herald.core.history;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;

/** Idempotent publishing over the in-memory ring. Runs on the JUnit thread. */
class MemoryIdempotentPublishTest extends IdempotentPublishContract {

  @Override
  protected Hub newHub() {
    return new Hub(HubConfig.DEFAULTS.withHistorySize(1_000));
  }

  @Override
  protected Hub newHubRetaining(int events) {
    return new Hub(HubConfig.DEFAULTS.withHistorySize(events));
  }
}
