package dev.herald.server.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.Readiness;
import dev.herald.core.auth.TokenMinter;
import dev.herald.server.ServerConfig;
import dev.herald.server.metrics.HubMetrics;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What operators and the web UI ask about the hub: liveness ({@code /healthz}), readiness ({@code
 * /readyz}), Prometheus metrics ({@code /metrics}), the server's description ({@code /info}) and,
 * in development mode, tokens for the playground ({@code /dev/token}). One method per endpoint;
 * {@link HubRoutes} decides which are routed. Immutable; runs on the channel's event loop.
 */
final class AdminHandler {

  static final String HEALTHZ = "/healthz";
  static final String READYZ = "/readyz";
  static final String METRICS = "/metrics";
  static final String INFO = "/info";
  static final String DEV_TOKEN = "/dev/token";

  /** How long a token from {@code /dev/token} is valid: a working session, not forever. */
  private static final Duration DEV_TOKEN_TTL = Duration.ofHours(12);

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** The hub's readiness and the server's (a warm-up still running); safe from any thread. */
  private final Supplier<Readiness> readiness;

  private final ServerConfig config;
  private final HubMetrics metrics;
  private final ServerInfo info;
  private final Clock clock;

  AdminHandler(
      Supplier<Readiness> readiness,
      ServerConfig config,
      HubMetrics metrics,
      ServerInfo info,
      Clock clock) {
    this.readiness = readiness;
    this.config = config;
    this.metrics = metrics;
    this.info = info;
    this.clock = clock;
  }

  void healthz(Exchange exchange) {
    exchange.respond(Responses.text(HttpResponseStatus.OK, "ok\n"));
  }

  /**
   * Readiness for a load balancer: 503 with the reason while this node would not receive updates
   * (its shared log unreachable, or its tail too far behind) or while it still warms up, so new
   * subscribers go elsewhere.
   */
  void readyz(Exchange exchange) {
    Readiness readiness = this.readiness.get();
    FullHttpResponse response =
        readiness.ready()
            ? Responses.text(HttpResponseStatus.OK, "ready\n")
            : Responses.error(
                HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + readiness.reason());
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    exchange.respond(response);
  }

  void metrics(Exchange exchange) {
    exchange.respond(
        Responses.full(
            HttpResponseStatus.OK,
            PROMETHEUS_TEXT,
            Unpooled.copiedBuffer(metrics.scrape(), StandardCharsets.UTF_8)));
  }

  void info(Exchange exchange) {
    exchange.respond(Responses.json(HttpResponseStatus.OK, info.json()));
  }

  /**
   * A publisher token and a subscriber token for every topic, signed with the hub's own keys, so
   * the playground works without copying the token printed at start-up. Only the hub's own page may
   * ask: with CORS open to any origin in development mode, another site could otherwise read a
   * token from a developer's local hub.
   */
  void developmentTokens(Exchange exchange) {
    HttpHeaders headers = exchange.headers();
    String site = headers.get("Sec-Fetch-Site");
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    String host = headers.get(HttpHeaderNames.HOST);
    boolean crossSite = site != null && !site.equals("same-origin") && !site.equals("none");
    boolean foreignOrigin = origin != null && (host == null || !origin.endsWith("://" + host));
    if (crossSite || foreignOrigin) {
      throw HttpError.forbidden(
          "development tokens are only given to the hub's own page (got"
              + " Origin "
              + origin
              + ", Sec-Fetch-Site "
              + site
              + ")");
    }
    String publisher =
        TokenMinter.mint(config.publisherKey(), List.of("*"), null, null, DEV_TOKEN_TTL, clock);
    String subscriber =
        config.subscriberKey() == null
            ? null
            : TokenMinter.mint(
                config.subscriberKey(), null, List.of("*"), null, DEV_TOKEN_TTL, clock);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("publisher", publisher);
    json.put("subscriber", subscriber);
    json.put("publish", List.of("*"));
    json.put("subscribe", List.of("*"));
    json.put("expiresInSeconds", DEV_TOKEN_TTL.toSeconds());
    FullHttpResponse response =
        Responses.json(HttpResponseStatus.OK, JSONObjectUtils.toJSONString(json));
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    exchange.respond(response);
  }
}
