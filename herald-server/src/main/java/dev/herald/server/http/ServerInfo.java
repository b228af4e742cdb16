package dev.herald.server.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.server.ServerConfig;
import dev.herald.server.demo.DemoClock;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.metrics.MetricsPublisher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the web UI needs to know about the hub that serves it ({@code GET /info}): which panels can
 * work and the ports of the listeners, so the connection-limit panel can link to the TLS (HTTP/2)
 * port. The ports are known only once the listeners are bound, hence {@link #bound}.
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
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("hub", HubRoutes.HUB_PATH);
    json.put("ports", ports);
    json.put("tlsPorts", tlsPorts);
    json.put("demo", config.demo() ? ticking(DemoClock.TOPIC, config.demoInterval()) : null);
    json.put("metrics", metrics != null ? ticking(HubMetrics.TOPIC, metrics.interval()) : null);
    json.put("developmentTokens", config.developmentTokens());
    json.put("anonymous", config.anonymous());
    return JSONObjectUtils.toJSONString(json);
  }

  private static Map<String, Object> ticking(String topic, java.time.Duration interval) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("topic", topic);
    json.put("intervalMillis", interval.toMillis());
    return json;
  }
}
