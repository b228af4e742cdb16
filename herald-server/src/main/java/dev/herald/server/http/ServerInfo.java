package dev.herald.server.http;

import dev.herald.server.ServerConfig;
import dev.herald.server.demo.DemoClock;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.metrics.MetricsPublisher;
import java.util.List;

/**
 * What the web UI needs to know about the hub that serves it ({@code GET /info}): which panels
 * can work and the ports of the listeners, so the connection-limit panel can link to the TLS
 * (HTTP/2) port. The ports are known only once the listeners are bound, hence {@link #bound}.
 *
 * <p>Written once at start-up, then read from any thread (volatile).
 */
public final class ServerInfo {

  private final ServerConfig config;
  private final MetricsPublisher metrics;
  private volatile String json;

  ServerInfo(ServerConfig config, MetricsPublisher metrics) {
    this.config = config;
    this.metrics = metrics;
    this.json = render(List.of(), List.of());
  }

  /** Records the ports actually bound (0 resolved). */
  public void bound(List<Integer> ports, List<Integer> tlsPorts) {
    this.json = render(ports, tlsPorts);
  }

  String json() {
    return json;
  }

  private String render(List<Integer> ports, List<Integer> tlsPorts) {
    return "{\"hub\":" + Json.quote(HubHandler.HUB_PATH)
        + ",\"ports\":" + Json.numbers(ports)
        + ",\"tlsPorts\":" + Json.numbers(tlsPorts)
        + ",\"demo\":" + (config.demo()
            ? "{\"topic\":" + Json.quote(DemoClock.TOPIC)
                + ",\"intervalMillis\":" + config.demoInterval().toMillis() + "}"
            : "null")
        + ",\"metrics\":" + (metrics != null
            ? "{\"topic\":" + Json.quote(HubMetrics.TOPIC)
                + ",\"intervalMillis\":" + metrics.interval().toMillis() + "}"
            : "null")
        + ",\"developmentTokens\":" + config.developmentTokens()
        + ",\"anonymous\":" + config.anonymous()
        + "}";
  }
}
