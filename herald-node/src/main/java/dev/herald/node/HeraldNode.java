package dev.herald.node;

import dev.herald.core.Hub;
import dev.herald.core.history.CursorStore;
import dev.herald.core.presence.Presence;
import dev.herald.core.trace.PublishTracer;
import dev.herald.outbox.OutboxConsumer;
import dev.herald.server.HeraldServer;
import dev.herald.server.trace.Tracing;
import dev.herald.server.webhook.DurableWebhooks;
import dev.herald.server.webhook.WebhookConfig;
import dev.herald.server.webhook.WebhookSender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * One hub node, assembled in one place: configuration, then the history (memory, durable, or the
 * Redis shared log), the hub on it, the outbox consumer when there is one, then the server's
 * listeners. {@code herald serve}, the Spring starter and embedders all build a node here, so a
 * part added to a node is added once.
 *
 * <p>Two steps, because an embedding application may publish before it listens: {@link #open} opens
 * the history, the hub and the outbox consumer; {@link #listen} binds the listeners. {@link #start}
 * does both. Every failure closes what the node had opened (the history too), so a failed start
 * leaves no thread, file lock or connection behind. The outbox consumer is opened after the hub and
 * closed before it, so it never publishes into a closed hub.
 *
 * <p>Thread-safety: its methods may be called from any thread; {@link #listen} and {@link #close}
 * are serialized on the node.
 */
public final class HeraldNode implements AutoCloseable {

  private final NodeConfig config;
  private final Hub hub;
  private final WebhookSender webhooks; // null when no webhook is configured
  private final DurableWebhooks subscribers; // null when no webhook subscriber is configured
  private final OutboxConsumer outbox; // null: none
  private HeraldServer server; // guarded by this
  private boolean closed; // guarded by this

  private HeraldNode(
      NodeConfig config,
      Hub hub,
      WebhookSender webhooks,
      DurableWebhooks subscribers,
      OutboxConsumer outbox) {
    this.config = config;
    this.hub = hub;
    this.webhooks = webhooks;
    this.subscribers = subscribers;
    this.outbox = outbox;
  }

  /**
   * Opens the history and the hub; nothing listens yet.
   *
   * @throws HistoryUnavailableException if the history cannot be opened or reached
   */
  public static HeraldNode open(NodeConfig config) {
    return open(config, PublishTracer.OFF);
  }

  /**
   * As {@link #open(NodeConfig)}, the hub telling {@code tracer} of each publish's way through it
   * (appended, fanned out); the listeners trace the requests with the same {@code Tracing}.
   */
  public static HeraldNode open(NodeConfig config, PublishTracer tracer) {
    Hub hub = config.history().openHub(config.server().hub(), tracer);
    WebhookSender webhooks = null;
    DurableWebhooks subscribers = null;
    OutboxConsumer outbox = null;
    try {
      if (config.webhooks().enabled()) {
        webhooks = new WebhookSender(config.webhooks(), Clock.systemUTC());
      }
      // A cluster's presence costs Redis writes per subscriber: only for what needs it.
      if (hub.config().subscriptionEvents() || webhooks != null) {
        Presence cluster = config.history().clusterPresence(hub);
        if (cluster != null) {
          hub.usePresence(cluster);
        }
      }
      if (webhooks != null) {
        hub.tellPresence(webhooks);
      }
      WebhookConfig hooks = config.webhooks();
      // A secret alone turns the registration API on: subscribers may come later, by API.
      if (!hooks.subscribers().isEmpty() || hooks.secret() != null) {
        CursorStore cursors = config.history().sharedCursors();
        if (cursors == null) {
          cursors =
              hooks.cursorDir() == null
                  ? CursorStore.memory()
                  : CursorStore.directory(hooks.cursorDir());
        }
        subscribers = new DurableWebhooks(hub, hooks, cursors, Clock.systemUTC());
      }
      if (config.outbox() != null) {
        // Returns at once: the consumer connects (and reconnects) on its own thread.
        outbox = OutboxConsumer.start(config.outbox(), hub);
      }
    } catch (RuntimeException | Error e) {
      if (subscribers != null) {
        subscribers.close();
      }
      if (webhooks != null) {
        webhooks.close();
      }
      hub.close();
      throw e;
    }
    return new HeraldNode(config, hub, webhooks, subscribers, outbox);
  }

  /**
   * Opens the node and binds its listeners.
   *
   * @param meters an embedding application's registry for the hub's meters, or null
   * @throws HistoryUnavailableException if the history cannot be opened or reached
   * @throws IllegalArgumentException if a TLS certificate or key cannot be used
   * @throws UncheckedIOException if an address cannot be bound (in use, no permission)
   */
  public static HeraldNode start(NodeConfig config, Clock clock, MeterRegistry meters)
      throws InterruptedException {
    return start(config, clock, meters, Tracing.OFF);
  }

  /**
   * As {@link #start(NodeConfig, Clock, MeterRegistry)}, tracing publishes with {@code tracing}.
   */
  public static HeraldNode start(
      NodeConfig config, Clock clock, MeterRegistry meters, Tracing tracing)
      throws InterruptedException {
    HeraldNode node = open(config, tracing.publishTracer());
    node.listen(clock, meters, tracing);
    return node;
  }

  /**
   * Binds the listeners. On failure the node is closed, its history included.
   *
   * @param meters an embedding application's registry for the hub's meters, or null
   * @throws IllegalArgumentException if a TLS certificate or key cannot be used
   * @throws UncheckedIOException if an address cannot be bound (in use, no permission)
   * @throws IllegalStateException if the node is closed or already listening
   */
  public synchronized HeraldServer listen(Clock clock, MeterRegistry meters)
      throws InterruptedException {
    return listen(clock, meters, Tracing.OFF);
  }

  /**
   * As {@link #listen(Clock, MeterRegistry)}, tracing publishes with {@code tracing} ({@link
   * Tracing#OFF} for none).
   */
  public synchronized HeraldServer listen(Clock clock, MeterRegistry meters, Tracing tracing)
      throws InterruptedException {
    if (closed || server != null) {
      throw new IllegalStateException(closed ? "node closed" : "node already listening");
    }
    try {
      server =
          HeraldServer.builder(config.server())
              .hub(hub)
              .clock(clock)
              .meters(meters)
              .tracing(tracing)
              .decider(config.decider())
              .webhookSubscribers(subscribers)
              .start();
    } catch (InterruptedException | RuntimeException e) {
      closed = true; // start closed the hub, and the hub its history
      closeOutbox();
      closeWebhooks();
      throw e;
    } catch (Exception e) {
      // Netty rethrows bind errors (java.net.BindException) without declaring them.
      closed = true;
      closeOutbox();
      closeWebhooks();
      if (e instanceof IOException io) {
        throw new UncheckedIOException(e.getMessage(), io);
      }
      throw new IllegalStateException(e.getMessage(), e);
    }
    for (MeterBinder part : new MeterBinder[] {webhooks, subscribers, outbox}) {
      if (part != null) {
        server.metrics().bindPart(part);
      }
    }
    return server;
  }

  /** The configuration this node was started with. */
  public NodeConfig config() {
    return config;
  }

  /** The hub, to publish to and subscribe from in-process; usable before {@link #listen}. */
  public Hub hub() {
    return hub;
  }

  /** The outbox consumer, or null when the node has no outbox. */
  public OutboxConsumer outbox() {
    return outbox;
  }

  /** The running server, or null before {@link #listen} and after a failed one. */
  public synchronized HeraldServer server() {
    return server;
  }

  /**
   * Shuts down: gracefully when listening (every stream gets a jittered {@code retry:}), then the
   * hub and its history. Waits for the server's shutdown grace at most. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeOutbox(); // before the hub: the round in flight is acknowledged and its rows deleted
    if (subscribers != null) {
      subscribers.close(); // its receivers resume from their saved cursors
    }
    if (server != null) {
      server.close();
    } else {
      hub.close();
    }
    closeWebhooks(); // after the hub, whose goodbye reports the topics this node vacates
  }

  private void closeWebhooks() {
    if (subscribers != null) {
      subscribers.close();
    }
    if (webhooks != null) {
      webhooks.close();
    }
  }

  private void closeOutbox() {
    if (outbox != null) {
      outbox.close();
    }
  }
}
