package dev.herald.core.history;

/** The history contract, run against the in-memory ring. Runs on the JUnit thread. */
class MemoryHistoryContractTest extends HistoryContract {

  @Override
  protected History newHistory() {
    return new MemoryHistory(10_000);
  }

  @Override
  protected History newHistoryRetaining(int events) {
    return new MemoryHistory(events);
  }
}
