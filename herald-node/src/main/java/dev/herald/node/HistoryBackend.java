package dev.herald.node;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.history.CursorStore;
import dev.herald.core.history.MemoryHistory;
import dev.herald.core.presence.Presence;
import dev.herald.core.trace.PublishTracer;
import dev.herald.store.SqliteHistory;
import dev.herald.store.StoreConfig;
import dev.herald.store.StoreException;
import java.util.Objects;

/**
 * Where a node keeps the events reconnecting subscribers replay: in memory, durably on disk ({@link
 * #durable}), or in a log shared by a cluster ({@link RedisBackend}). How many events is never its
 * own setting: {@link HubConfig#historySize()} is, and {@link NodeConfig} applies it.
 *
 * <p>Implementations are immutable values; {@link #openHub} runs on the thread that opens the node.
 */
public interface HistoryBackend {

  /** Events kept in memory only, lost on restart. */
  static HistoryBackend memory() {
    return new Memory();
  }

  /** Events kept in a SQLite database in {@code store}'s data directory. */
  static HistoryBackend durable(StoreConfig store) {
    return new Durable(store);
  }

  /**
   * The same backend keeping {@code historySize} events.
   *
   * @throws IllegalArgumentException if this backend cannot keep that many
   */
  HistoryBackend withHistorySize(int historySize);

  /**
   * Opens the history and a hub on it, which tells {@code tracer} of each publish's way; whatever
   * this opened is closed again if it fails.
   *
   * @throws HistoryUnavailableException if the history cannot be opened or reached
   */
  Hub openHub(HubConfig hub, PublishTracer tracer);

  /** One line for a start-up banner: where the events are, and how many are kept. */
  String describe();

  /**
   * Who is subscribed across the nodes sharing this history, for {@code hub} to answer the
   * subscriptions API and presence with (attach it with {@link Hub#usePresence}); null when the
   * history is this node's alone, whose hub knows its own subscribers.
   *
   * @throws HistoryUnavailableException if the shared store cannot be reached
   */
  default Presence clusterPresence(Hub hub) {
    return null;
  }

  /**
   * Where durable webhook subscribers' cursors are kept when the nodes sharing this history must
   * agree on them (and on which node delivers each), opened for the caller to close; null when the
   * history is this node's alone.
   *
   * @throws HistoryUnavailableException if the shared store cannot be reached
   */
  default CursorStore sharedCursors() {
    return null;
  }

  /** Whether other nodes share this history, so readiness depends on reaching it. */
  default boolean shared() {
    return false;
  }

  /**
   * The newest {@code historySize} events in memory.
   *
   * @param historySize how many events are kept
   */
  record Memory(int historySize) implements HistoryBackend {

    Memory() {
      this(HubConfig.DEFAULTS.historySize());
    }

    @Override
    public HistoryBackend withHistorySize(int size) {
      return new Memory(size);
    }

    @Override
    public Hub openHub(HubConfig hub, PublishTracer tracer) {
      return new Hub(hub, new MemoryHistory(historySize), tracer);
    }

    @Override
    public String describe() {
      return "memory, newest " + historySize + " events, lost on restart";
    }
  }

  /**
   * A SQLite history: survives restarts and, by its fsync policy, crashes.
   *
   * @param store the store's data directory, fsync policy and pruning
   */
  record Durable(StoreConfig store) implements HistoryBackend {

    public Durable {
      Objects.requireNonNull(store, "store");
    }

    @Override
    public HistoryBackend withHistorySize(int size) {
      return new Durable(store.withMaxEvents(size));
    }

    @Override
    public Hub openHub(HubConfig hub, PublishTracer tracer) {
      SqliteHistory history;
      try {
        history = SqliteHistory.open(store);
      } catch (StoreException e) {
        throw new HistoryUnavailableException("data-dir", e.getMessage(), e);
      }
      return new Hub(hub, history, tracer);
    }

    @Override
    public String describe() {
      return "durable in "
          + store.dataDir().toAbsolutePath().normalize()
          + " (fsync "
          + store.fsync()
          + ")";
    }
  }
}
