package dev.herald.store;

import dev.herald.core.history.History;
import dev.herald.core.history.HistoryContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history contract with one commit per event, whose append and failure paths differ. Runs on
 * the JUnit thread; reads go through the store's reader threads.
 */
class SqliteHistoryFsyncAlwaysContractTest extends HistoryContract {

  @TempDir Path dataDir;

  @Override
  protected History newHistory() {
    return SqliteHistory.open(
        StoreConfig.DEFAULTS.withDataDir(dataDir).withMaxEvents(100_000).withFsync(Fsync.ALWAYS));
  }
}
