package dev.herald.spring;

import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.node.HistoryBackend;
import dev.herald.node.NodeConfig;
import dev.herald.outbox.OutboxConfig;
import dev.herald.server.AuthCallbackConfig;
import dev.herald.server.ServerConfig;
import dev.herald.server.webhook.WebhookConfig;
import dev.herald.store.Fsync;
import dev.herald.store.StoreConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps {@code herald.embedded.*} onto a {@link NodeConfig}, the same configuration {@code herald
 * serve} builds, whose records validate it: a property left unset keeps the default those records
 * hold, so every default stays in one place. Runs once, on the start-up thread.
 */
final class EmbeddedHubConfig {

  static final String PREFIX = "herald.embedded";

  private EmbeddedHubConfig() {}

  private static NodeConfig withAuthCallback(NodeConfig node, HeraldProperties.Embedded p) {
    if (p.authCallback() == null) {
      if (p.authCallbackCookies() != null || p.authCallbackAlways() != null) {
        throw new IllegalArgumentException(
            "auth-callback-cookies, auth-callback-always: set without auth-callback"
                + " (expected: the callback's URL too)");
      }
      return node;
    }
    AuthCallbackConfig callback =
        AuthCallbackConfig.of(p.authCallback()).withCookies(p.authCallbackCookies());
    if (p.authCallbackTimeout() != null) {
      callback = callback.withTimeout(p.authCallbackTimeout());
    }
    if (p.authCallbackAlways() != null) {
      callback = callback.withAlways(p.authCallbackAlways());
    }
    return node.withAuthCallback(callback);
  }

  /**
   * @throws HeraldConfigurationException naming the first wrong property
   */
  static NodeConfig from(HeraldProperties.Embedded p) {
    try {
      ServerConfig.Builder server = ServerConfig.builder().demo(p.demo());
      if (p.listen() != null) {
        server.listen(addresses("listen", p.listen()));
      }
      if (p.tlsListen() != null) {
        server.tlsListen(addresses("tls-listen", p.tlsListen()));
      }
      server.tls(p.tlsCert(), p.tlsKey());
      if (p.maxConcurrentStreams() != null) {
        server.maxConcurrentStreams(p.maxConcurrentStreams());
      }
      if (p.transport() != null) {
        server.transport(p.transport());
      }
      if (p.eventLoops() != null) {
        server.eventLoops(p.eventLoops());
      }
      if (p.shutdownGrace() != null) {
        server.shutdownGrace(p.shutdownGrace());
      }
      // The builder's default is none; an embedded hub is restarted with its application, so it
      // warms up as serve does unless told otherwise.
      server.warmUp(p.warmUp() != null ? p.warmUp() : ServerConfig.RECOMMENDED_WARM_UP);
      String publisherKey = p.publisherJwtKey() != null ? p.publisherJwtKey() : p.jwtKey();
      String subscriberKey = p.subscriberJwtKey() != null ? p.subscriberJwtKey() : p.jwtKey();
      server.publisherKey(
          key(
              p.publisherJwtKey() != null ? "publisher-jwt-key" : "jwt-key",
              p.jwtAlg(),
              publisherKey));
      server.subscriberKey(
          key(
              p.subscriberJwtKey() != null ? "subscriber-jwt-key" : "jwt-key",
              p.jwtAlg(),
              subscriberKey));
      if (p.anonymous() != null) {
        server.anonymous(p.anonymous());
      }
      if (p.corsOrigins() != null) {
        server.corsOrigins(p.corsOrigins());
      }
      if (p.publishOrigins() != null) {
        server.publishOrigins(p.publishOrigins());
      }
      if (p.cookieName() != null) {
        server.cookieName(p.cookieName());
      }
      if (p.heartbeat() != null) {
        server.heartbeat(p.heartbeat());
      }
      if (p.maxBody() != null) {
        server.maxBody(Math.toIntExact(Math.min(Integer.MAX_VALUE, p.maxBody().toBytes())));
      }
      if (p.metrics() != null) {
        server.metrics(p.metrics());
      }
      HubConfig hub = HubConfig.DEFAULTS;
      if (p.historySize() != null) {
        hub = hub.withHistorySize(p.historySize());
      }
      if (p.subscriberQueue() != null) {
        hub = hub.withSubscriberQueueCapacity(p.subscriberQueue());
      }
      if (p.subscriptions() != null) {
        hub = hub.withSubscriptionEvents(p.subscriptions());
      }
      server.hub(hub);
      ServerConfig built = server.build();
      if (p.redis() != null) {
        if (!p.history().equalsIgnoreCase("memory")
            || p.historyMaxAge() != null
            || p.historyMaxBytes() != null) {
          throw new IllegalArgumentException(
              "history, history-max-age, history-max-bytes: set"
                  + " with redis (expected: none of them; with redis the history is the shared Redis"
                  + " stream, history-size sets how many events it keeps)");
        }
        return withAuthCallback(
            new NodeConfig(built, EmbeddedRedis.backend(p))
                .withWebhooks(webhooks(p))
                .withOutbox(outbox(p)),
            p);
      }
      return withAuthCallback(
          new NodeConfig(built, history(p)).withWebhooks(webhooks(p)).withOutbox(outbox(p)), p);
    } catch (IllegalArgumentException e) {
      throw HeraldConfigurationException.of(PREFIX, e);
    }
  }

  private static WebhookConfig webhooks(HeraldProperties.Embedded p) {
    if (p.webhook() == null || p.webhook().isEmpty()) {
      return WebhookConfig.NONE;
    }
    List<URI> urls = new ArrayList<>();
    for (String url : p.webhook()) {
      urls.add(URI.create(url.strip())); // IllegalArgumentException names the bad URL
    }
    return WebhookConfig.of(urls, p.webhookSecret());
  }

  private static OutboxConfig outbox(HeraldProperties.Embedded p) {
    if (p.outbox() == null || p.outbox().isBlank()) {
      return null;
    }
    return OutboxConfig.parse(p.outbox(), p.outboxTable());
  }

  private static HistoryBackend history(HeraldProperties.Embedded p) {
    // Unset properties keep StoreConfig's defaults; fsync is checked whatever the history, as
    // serve checks it.
    StoreConfig store = StoreConfig.DEFAULTS;
    if (p.fsync() != null) {
      store = store.withFsync(fsync(p.fsync()));
    }
    String history = p.history().trim().toLowerCase(Locale.ROOT);
    if (history.equals("memory")) {
      if (p.historyMaxAge() != null || p.historyMaxBytes() != null) {
        throw new IllegalArgumentException(
            "history-max-age, history-max-bytes: set with history"
                + " memory (expected: history durable; the memory history keeps the newest"
                + " history-size events)");
      }
      return HistoryBackend.memory();
    }
    if (!history.equals("durable")) {
      throw new IllegalArgumentException(
          "history: " + p.history() + " (expected: memory or durable)");
    }
    if (p.dataDir() != null) {
      store = store.withDataDir(p.dataDir());
    }
    if (p.historyMaxAge() != null) {
      store = store.withMaxAge(p.historyMaxAge());
    }
    if (p.historyMaxBytes() != null) {
      store = store.withMaxBytes(p.historyMaxBytes().toBytes());
    }
    return HistoryBackend.durable(store);
  }

  private static Fsync fsync(String value) {
    for (Fsync fsync : Fsync.values()) {
      if (fsync.name().equalsIgnoreCase(value.trim())) {
        return fsync;
      }
    }
    throw new IllegalArgumentException("fsync: " + value + " (expected: always, batch or never)");
  }

  private static JwtKey key(String property, String algorithm, String value) {
    if (value == null) {
      return null;
    }
    try {
      return JwtKey.parse(algorithm, value);
    } catch (IllegalArgumentException e) {
      // JwtKey names every key "jwt-key"; say which property held it.
      String message = String.valueOf(e.getMessage());
      throw new IllegalArgumentException(
          message.startsWith("jwt-key: ")
              ? property + message.substring("jwt-key".length())
              : message,
          e);
    }
  }

  /** {@code HOST:PORT}, {@code :PORT} (every interface) or {@code [::1]:PORT}. */
  static List<InetSocketAddress> addresses(String property, List<String> values) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String value : values) {
      int colon = value.lastIndexOf(':');
      int port = -1;
      if (colon >= 0) {
        try {
          port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
      }
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(
            property
                + ": "
                + value
                + " (expected: HOST:PORT, :PORT or [IPv6]:PORT, port 0 to 65535)");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      addresses.add(
          host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port));
    }
    return addresses;
  }
}
