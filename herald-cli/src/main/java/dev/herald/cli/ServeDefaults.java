package dev.herald.cli;

import dev.herald.core.HubConfig;
import dev.herald.node.RedisBackend;
import dev.herald.outbox.OutboxConfig;
import dev.herald.redis.RedisConfig;
import dev.herald.server.AuthCallbackConfig;
import dev.herald.server.Limits;
import dev.herald.server.ProtocolConfig;
import dev.herald.server.ServerConfig;
import dev.herald.store.StoreConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of {@code serve}'s options, written as one would type them, read from the
 * configuration records that hold them ({@link HubConfig}, {@link ServerConfig}, {@link Limits},
 * {@link StoreConfig}, {@link RedisConfig}, {@link ProtocolConfig}): nothing here decides a
 * default, so {@code serve}, the Spring starter and an embedder start from the same ones. Only what
 * the CLI alone decides (the durable history, development mode) is written on its options.
 * Immutable; safe from any thread.
 */
final class ServeDefaults {

  private static final Map<String, String> TEXT = text();

  private ServeDefaults() {}

  /** The default of a {@code serve} option that a record holds, or null. */
  static String of(OptionSpec option) {
    if (option.command() == null || !"serve".equals(option.command().name())) {
      return null;
    }
    return TEXT.get(option.longestName());
  }

  private static Map<String, String> text() {
    ServerConfig server = ServerConfig.builder().build();
    HubConfig hub = server.hub();
    Limits limits = server.limits();
    StoreConfig store = StoreConfig.DEFAULTS;
    RedisConfig redis = RedisConfig.DEFAULTS;
    Map<String, String> text = new HashMap<>();
    InetSocketAddress listen = server.listen().get(0);
    text.put("--listen", listen.getHostString() + ":" + listen.getPort());
    text.put("--max-concurrent-streams", String.valueOf(server.maxConcurrentStreams()));
    text.put("--transport", server.transport());
    text.put("--event-loops", String.valueOf(server.eventLoops()));
    text.put("--shutdown-grace", duration(server.shutdownGrace()));
    // The builder starts ready at once (tests, embedders that never asked); a hub started from the
    // command line is what rolling restarts replace, so it warms up first.
    text.put("--warm-up", duration(ServerConfig.RECOMMENDED_WARM_UP));
    text.put("--cookie-name", server.cookieName());
    text.put("--heartbeat", duration(server.heartbeat()));
    text.put("--max-body", size(server.maxBody()));
    text.put("--history-size", String.valueOf(hub.historySize()));
    text.put("--subscriber-queue", String.valueOf(hub.subscriberQueueCapacity()));
    text.put("--data-dir", store.dataDir().toString());
    text.put("--fsync", store.fsync().name().toLowerCase(Locale.ROOT));
    text.put("--history-max-age", duration(store.maxAge()));
    text.put("--history-max-bytes", size(store.maxBytes()));
    text.put("--redis-prefix", redis.keyPrefix());
    text.put("--redis-timeout", duration(redis.commandTimeout()));
    text.put("--max-tail-lag", duration(redis.maxTailLag()));
    text.put("--presence-lease", duration(RedisBackend.DEFAULT_PRESENCE_LEASE));
    text.put("--outbox-table", OutboxConfig.DEFAULT_TABLE);
    text.put("--max-request-line", size(limits.maxRequestLine()));
    text.put("--max-header-block", size(limits.maxHeaderBlock()));
    text.put("--header-timeout", duration(limits.headerTimeout()));
    text.put("--body-timeout", duration(limits.bodyTimeout()));
    text.put("--idle-timeout", duration(limits.idleTimeout()));
    text.put("--max-connections", String.valueOf(limits.maxConnections()));
    text.put("--max-connections-per-address", String.valueOf(limits.maxConnectionsPerAddress()));
    text.put("--max-stream-lifetime", duration(limits.maxStreamLifetime()));
    text.put("--protocol", server.protocols().versions().toString());
    text.put("--access-cookie-name", server.protocols().accessCookieName());
    text.put("--auth-callback-timeout", duration(AuthCallbackConfig.DEFAULT_TIMEOUT));
    return Map.copyOf(text);
  }

  /** {@code 0} for none, else as {@link Converters#format(Duration)} writes it: 40s, 1m. */
  static String duration(Duration duration) {
    return duration.isZero() ? "0" : Converters.format(duration);
  }

  /** In the largest binary unit that divides it: 1MiB, 256KiB, 1000. */
  static String size(long bytes) {
    if (bytes != 0 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes != 0 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return String.valueOf(bytes);
  }
}
