package dev.herald.core.history;

/** The history contract, run against the in-memory ring. */
class MemoryHistoryContractTest extends HistoryContract {

  @Override
  protected History newHistory() {
    return new MemoryHistory(10_000);
  }
}
