package dev.herald.server.http;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.HEAD;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import dev.herald.core.Hub;
import dev.herald.core.Readiness;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.server.ServerConfig;
import dev.herald.server.auth.AccessDecider;
import dev.herald.server.auth.AuthCallback;
import dev.herald.server.demo.DemoClock;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.metrics.MetricsPublisher;
import dev.herald.server.sse.OpenStreams;
import dev.herald.server.sse.StreamTimers;
import dev.herald.server.trace.Tracing;
import dev.herald.server.webhook.DurableWebhooks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The routes a listener serves, and what its connections share: every handler is built once here,
 * each route group lists its routes, and {@link #serving} picks the groups of one listener. Routes
 * of switched-off features (demo, metrics, development tokens) are simply absent, so they answer
 * 404 like any unknown path.
 *
 * <p>Immutable after construction; safe from any thread.
 */
public final class HubRoutes {

  public static final String HUB_PATH = "/.well-known/mercure";

  private final ServerConfig config;
  private final OpenStreams streams;
  private final ServerInfo info;
  private final ProtocolDialects dialects;
  private final AccessDecider callback; // null when none
  private final Map<RouteGroup, List<Route>> groups;
  private final RouteTable table;

  private HubRoutes(
      ServerConfig config,
      OpenStreams streams,
      ServerInfo info,
      ProtocolDialects dialects,
      AccessDecider callback,
      Map<RouteGroup, List<Route>> groups,
      Set<RouteGroup> served) {
    this.callback = callback;
    this.config = config;
    this.streams = streams;
    this.info = info;
    this.dialects = dialects;
    this.groups = groups;
    List<Route> routes = new ArrayList<>();
    for (RouteGroup group : RouteGroup.values()) {
      if (served.contains(group)) {
        routes.addAll(groups.get(group));
      }
    }
    this.table = new RouteTable(routes);
  }

  /**
   * Every route group; {@code demoClock} and {@code metricsPublisher} are null when off, {@code
   * tracing} is {@link Tracing#OFF}.
   */
  public static HubRoutes create(
      Hub hub,
      ServerConfig config,
      DemoClock demoClock,
      HubMetrics metrics,
      MetricsPublisher metricsPublisher,
      OpenStreams streams,
      Clock clock,
      Tracing tracing) {
    return create(
        hub,
        config,
        demoClock,
        metrics,
        metricsPublisher,
        streams,
        clock,
        tracing,
        hub::readiness,
        null,
        null);
  }

  /**
   * As {@link #create(Hub, ServerConfig, DemoClock, HubMetrics, MetricsPublisher, OpenStreams,
   * Clock, Tracing)}, {@code /readyz} answering {@code readiness} (the hub's own and what the
   * server adds to it: a warm-up still running), with the embedding application's own {@code
   * decider} in place of an HTTP authorization callback (null: the configured callback, if any; the
   * routes close it), and the durable webhook subscribers whose registration API it serves (null:
   * that API answers 404).
   */
  public static HubRoutes create(
      Hub hub,
      ServerConfig config,
      DemoClock demoClock,
      HubMetrics metrics,
      MetricsPublisher metricsPublisher,
      OpenStreams streams,
      Clock clock,
      Tracing tracing,
      Supplier<Readiness> readiness,
      AccessDecider decider,
      DurableWebhooks webhookSubscribers) {
    ProtocolDialects dialects = new ProtocolDialects(config, clock);
    AccessDecider callback = decider;
    if (callback == null && config.authCallback() != null) {
      AuthCallback http =
          new AuthCallback(config.authCallback(), clock, config.limits().expirySpread());
      metrics.bindPart(http);
      callback = http;
    }
    Authorizer authorizer = new Authorizer(config, callback);
    EventStreams eventStreams =
        new EventStreams(hub, StreamTimers.of(config), clock, streams, metrics.latency());
    ServerInfo info = new ServerInfo(config, metricsPublisher);
    AdminHandler admin = new AdminHandler(readiness, config, metrics, info, clock);
    StaticFilesHandler files = new StaticFilesHandler(new StaticFiles());

    Map<RouteGroup, List<Route>> groups = new EnumMap<>(RouteGroup.class);
    List<Route> hubRoutes =
        new ArrayList<>(
            List.of(
                Route.exact(
                    HUB_PATH,
                    new SubscribeHandler(authorizer, eventStreams, metricsPublisher),
                    GET),
                Route.exact(HUB_PATH, new PublishHandler(hub, authorizer, tracing), POST),
                Route.exact(PositionHandler.PATH, new PositionHandler(hub, authorizer), GET, HEAD),
                Route.prefix(
                    ActiveSubscription.COLLECTION_PATH,
                    new SubscriptionsHandler(hub, authorizer),
                    GET),
                Route.prefix(
                    WebhookSubscribersHandler.PATH,
                    new WebhookSubscribersHandler(webhookSubscribers, authorizer),
                    GET,
                    PUT,
                    DELETE),
                // The hub's own JavaScript client goes wherever the hub does, with or without the
                // UI.
                Route.exact(StaticFiles.CLIENT_PATH, files, GET, HEAD)));
    if (dialects.draft08() != null) {
      hubRoutes.add(
          Route.exact(
              ResourceMetadata.PATH,
              new MetadataHandler(dialects.draft08().metadata()),
              GET,
              HEAD));
    }
    groups.put(RouteGroup.HUB, List.copyOf(hubRoutes));
    groups.put(
        RouteGroup.DEMO,
        demoClock == null
            ? List.of()
            : List.of(
                Route.exact(DemoHandler.PATH, new DemoHandler(demoClock, eventStreams), GET)));
    List<Route> adminRoutes =
        new ArrayList<>(
            List.of(
                Route.exact(AdminHandler.HEALTHZ, admin::healthz, GET, HEAD),
                Route.exact(AdminHandler.READYZ, admin::readyz, GET)));
    if (metrics.enabled()) {
      adminRoutes.add(Route.exact(AdminHandler.METRICS, admin::metrics, GET));
    }
    groups.put(RouteGroup.ADMIN, List.copyOf(adminRoutes));
    List<Route> uiRoutes =
        new ArrayList<>(
            List.of(
                Route.exact(AdminHandler.INFO, admin::info, GET),
                Route.exact(StaticFilesHandler.INDEX, files, GET, HEAD),
                Route.prefix(StaticFilesHandler.UI, files, GET, HEAD),
                Route.prefix(StaticFilesHandler.WEBJARS, files, GET, HEAD)));
    if (config.developmentTokens()) {
      uiRoutes.add(Route.exact(AdminHandler.DEV_TOKEN, admin::developmentTokens, GET));
    }
    groups.put(RouteGroup.UI, List.copyOf(uiRoutes));
    return new HubRoutes(config, streams, info, dialects, callback, groups, RouteGroup.all());
  }

  /**
   * The same handlers serving only {@code served}: the one choice a listener makes, e.g. {@code
   * routes.serving(EnumSet.of(RouteGroup.ADMIN))} for an internal operations listener.
   */
  public HubRoutes serving(Set<RouteGroup> served) {
    return new HubRoutes(config, streams, info, dialects, callback, groups, served);
  }

  public ServerConfig config() {
    return config;
  }

  public OpenStreams streams() {
    return streams;
  }

  public ServerInfo info() {
    return info;
  }

  RouteTable table() {
    return table;
  }

  ProtocolDialects dialects() {
    return dialects;
  }

  /** Stops what the routes run in the background (the JWK Set refresher, the callback's client). */
  public void close() {
    if (callback != null) {
      callback.close();
    }
    dialects.close();
  }
}
