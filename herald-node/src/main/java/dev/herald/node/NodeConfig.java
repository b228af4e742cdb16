package dev.herald.node;

import dev.herald.server.ServerConfig;
import dev.herald.server.webhook.WebhookConfig;
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
 * @param webhooks where joins, leaves, occupied and vacated topics are POSTed ({@link
 *     WebhookConfig#NONE}: nowhere)
 */
public record NodeConfig(ServerConfig server, HistoryBackend history, WebhookConfig webhooks) {

  public NodeConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(webhooks, "webhooks");
    history = history.withHistorySize(server.hub().historySize());
  }

  public NodeConfig(ServerConfig server, HistoryBackend history) {
    this(server, history, WebhookConfig.NONE);
  }

  /** A node on {@code server} keeping its history in memory. */
  public static NodeConfig inMemory(ServerConfig server) {
    return new NodeConfig(server, HistoryBackend.memory());
  }

  public NodeConfig withServer(ServerConfig value) {
    return new NodeConfig(value, history, webhooks);
  }

  public NodeConfig withHistory(HistoryBackend value) {
    return new NodeConfig(server, value, webhooks);
  }

  public NodeConfig withWebhooks(WebhookConfig value) {
    return new NodeConfig(server, history, value);
  }
}
