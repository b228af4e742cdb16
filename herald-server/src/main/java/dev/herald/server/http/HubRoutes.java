package dev.herald.server.http;

import dev.herald.core.Hub;
import dev.herald.core.auth.TokenVerifier;
import dev.herald.server.ServerConfig;
import dev.herald.server.demo.DemoClock;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.metrics.MetricsPublisher;
import dev.herald.server.sse.OpenStreams;
import java.time.Clock;

/**
 * What every connection's handlers share: the hub, the configuration, the token verifiers, the
 * demo clock, the metrics and their publisher (null when disabled), the static files and what the
 * UI is told about the server. Immutable after construction; safe from any thread.
 */
public record HubRoutes(
    Hub hub,
    ServerConfig config,
    TokenVerifier publisherVerifier,
    TokenVerifier subscriberVerifier,
    DemoClock demoClock,
    HubMetrics metrics,
    MetricsPublisher metricsPublisher,
    Clock clock,
    StaticFiles files,
    OpenStreams streams,
    ServerInfo info) {

  public static HubRoutes create(Hub hub, ServerConfig config, DemoClock demoClock,
      HubMetrics metrics, MetricsPublisher metricsPublisher, OpenStreams streams, Clock clock) {
    return new HubRoutes(
        hub,
        config,
        config.publisherKey() == null ? null : new TokenVerifier(config.publisherKey(), clock),
        config.subscriberKey() == null ? null : new TokenVerifier(config.subscriberKey(), clock),
        demoClock,
        metrics,
        metricsPublisher,
        clock,
        new StaticFiles(),
        streams,
        new ServerInfo(config, metricsPublisher));
  }
}
