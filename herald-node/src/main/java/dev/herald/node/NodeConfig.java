package dev.herald.node;

import dev.herald.outbox.OutboxConfig;
import dev.herald.server.ServerConfig;
import java.util.Objects;

/**
 * Everything a hub node is built from, validated once: the network edge with the hub's own settings
 * ({@link ServerConfig#hub()}), and where the history lives. The history keeps exactly {@code
 * server.hub().historySize()} events, whichever backend holds them: the size is set in one place.
 * An option that adds a part to a node (an outbox, an authorization callback, a webhook) becomes a
 * component here and is opened by {@link HeraldNode}.
 *
 * <p>Immutable; safe from any thread.
 *
 * @param server the listeners, limits, keys and the hub's settings
 * @param history where events are kept for reconnecting subscribers
 * @param outbox the PostgreSQL outbox this node consumes, or null for none; its largest data is the
 *     server's max body, as for an HTTP publish
 */
public record NodeConfig(ServerConfig server, HistoryBackend history, OutboxConfig outbox) {

  public NodeConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(history, "history");
    history = history.withHistorySize(server.hub().historySize());
    outbox = outbox == null ? null : outbox.withMaxDataBytes(server.maxBody());
  }

  /** A node without an outbox. */
  public NodeConfig(ServerConfig server, HistoryBackend history) {
    this(server, history, null);
  }

  /** A node on {@code server} keeping its history in memory. */
  public static NodeConfig inMemory(ServerConfig server) {
    return new NodeConfig(server, HistoryBackend.memory());
  }

  public NodeConfig withServer(ServerConfig value) {
    return new NodeConfig(value, history, outbox);
  }

  public NodeConfig withHistory(HistoryBackend value) {
    return new NodeConfig(server, value, outbox);
  }

  /** The same node consuming {@code value} (null: no outbox). */
  public NodeConfig withOutbox(OutboxConfig value) {
    return new NodeConfig(server, history, value);
  }
}
