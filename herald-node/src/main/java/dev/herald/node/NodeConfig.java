package dev.herald.node;

import dev.herald.outbox.OutboxConfig;
import dev.herald.server.AuthCallbackConfig;
import dev.herald.server.ServerConfig;
import dev.herald.server.auth.AccessDecider;
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
 * @param decider the embedding application's own say on requests without a valid token (e.g. the
 *     Spring starter's Spring Security decider), in place of {@link #authCallback()}; null for
 *     none. The node's server closes it.
 * @param webhooks where joins, leaves, occupied and vacated topics are POSTed ({@link
 *     WebhookConfig#NONE}: nowhere)
 * @param outbox the PostgreSQL outbox this node consumes, or null for none; its largest data is the
 *     server's max body, as for an HTTP publish
 */
public record NodeConfig(
    ServerConfig server,
    HistoryBackend history,
    AccessDecider decider,
    WebhookConfig webhooks,
    OutboxConfig outbox) {

  public NodeConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(webhooks, "webhooks");
    history = history.withHistorySize(server.hub().historySize());
    if (outbox != null) {
      outbox = outbox.withMaxDataBytes(server.maxBody());
    }
  }

  /** A node with no part beyond its server and history (add them with the withers). */
  public NodeConfig(ServerConfig server, HistoryBackend history) {
    this(server, history, null, WebhookConfig.NONE, null);
  }

  /** A node on {@code server} keeping its history in memory. */
  public static NodeConfig inMemory(ServerConfig server) {
    return new NodeConfig(server, HistoryBackend.memory());
  }

  public NodeConfig withServer(ServerConfig value) {
    return new NodeConfig(value, history, decider, webhooks, outbox);
  }

  public NodeConfig withHistory(HistoryBackend value) {
    return new NodeConfig(server, value, decider, webhooks, outbox);
  }

  public NodeConfig withDecider(AccessDecider value) {
    return new NodeConfig(server, history, value, webhooks, outbox);
  }

  public NodeConfig withWebhooks(WebhookConfig value) {
    return new NodeConfig(server, history, decider, value, outbox);
  }

  /** The same node consuming {@code value} (null: no outbox). */
  public NodeConfig withOutbox(OutboxConfig value) {
    return new NodeConfig(server, history, decider, webhooks, value);
  }

  /**
   * The application's authorization callback, or null. It guards the listeners, so it is kept with
   * them in {@link ServerConfig#authCallback()}, and the server opens and closes it with its
   * routes.
   */
  public AuthCallbackConfig authCallback() {
    return server.authCallback();
  }

  /** This configuration with the server's authorization callback {@code value} (null: none). */
  public NodeConfig withAuthCallback(AuthCallbackConfig value) {
    return withServer(server.toBuilder().authCallback(value).build());
  }
}
