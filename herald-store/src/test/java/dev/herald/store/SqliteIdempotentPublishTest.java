package dev.herald.store;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.history.IdempotentPublishContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Idempotent publishing over the durable store: the lookup is its (id, seq) index. */
class SqliteIdempotentPublishTest extends IdempotentPublishContract {

  @TempDir Path dataDir;
  private final Map<Hub, SqliteHistory> stores = new IdentityHashMap<>();

  @Override
  protected Hub newHub() throws Exception {
    return open(Files.createDirectories(dataDir.resolve("hub")), 100_000);
  }

  @Override
  protected Hub newHubRetaining(int events) throws Exception {
    return open(Files.createDirectories(dataDir.resolve("retaining")), events);
  }

  private Hub open(Path dir, int events) {
    SqliteHistory store =
        SqliteHistory.open(
            StoreConfig.DEFAULTS
                .withDataDir(dir)
                .withMaxEvents(events)
                .withPruneInterval(Duration.ofHours(1)));
    Hub hub = new Hub(HubConfig.DEFAULTS, store);
    stores.put(hub, store);
    return hub;
  }

  @Override
  protected void pruneNow(Hub hub) {
    stores.get(hub).pruneNow().join();
  }
}
