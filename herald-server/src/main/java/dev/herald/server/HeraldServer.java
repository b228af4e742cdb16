package dev.herald.server;

import dev.herald.core.Hub;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Readiness;
import dev.herald.server.auth.AccessDecider;
import dev.herald.server.demo.DemoClock;
import dev.herald.server.http.HttpError;
import dev.herald.server.http.HttpPipelines;
import dev.herald.server.http.HubRoutes;
import dev.herald.server.http.RouteGroup;
import dev.herald.server.limits.AcceptBackoff;
import dev.herald.server.limits.ConnectionLimiter;
import dev.herald.server.limits.FrontDoor;
import dev.herald.server.limits.LimitCounters;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.metrics.MetricsPublisher;
import dev.herald.server.sse.OpenStreams;
import dev.herald.server.tls.DevelopmentCertificate;
import dev.herald.server.tls.TlsContexts;
import dev.herald.server.trace.Tracing;
import dev.herald.server.webhook.DurableWebhooks;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Herald: the hub plus its listeners. Start with {@link #start(ServerConfig)}, or with
 * {@link #builder} to give it parts of your own (hub, clock, meters, tracing, access decider); stop
 * with {@link #close}, which shuts down gracefully. Safe from any thread.
 */
public final class HeraldServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HeraldServer.class);

  /**
   * Per-connection outbound buffer bounds: past the high mark a stream stops draining its
   * subscriber's queue until the client reads, so a slow client costs at most this much memory plus
   * its bounded queue.
   */
  private static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(32 * 1024, 64 * 1024);

  /**
   * Connections the operations listener admits, apart from the public limit, so that a flood of the
   * public listeners cannot lock probes and scrapers out; they are few and short-lived.
   */
  private static final int ADMIN_MAX_CONNECTIONS = 64;

  /** How often the dashboard's figures are published while someone watches them. */
  private static final Duration METRICS_INTERVAL = Duration.ofSeconds(1);

  private final ServerConfig config;
  private final Hub hub;
  private final HubRoutes routes;
  private final EventLoopGroup group;
  private final ChannelGroup connections;
  private final List<Channel> listeners;
  private final List<Channel> tlsListeners;

  /** The operations listener, when {@code --admin-listen} asked for one: zero or one channel. */
  private final List<Channel> adminListeners;

  private final Transport transport;
  private final DevelopmentCertificate developmentCertificate;
  private final HubMetrics metrics;
  private final ConnectionLimiter limiter;
  private final WarmUp warmUp;
  private boolean closed;

  private HeraldServer(Parts parts) {
    this.config = parts.config;
    this.hub = parts.hub;
    this.routes = parts.routes;
    this.group = parts.group;
    this.connections = parts.connections;
    this.listeners = parts.listeners;
    this.tlsListeners = parts.tlsListeners;
    this.adminListeners = parts.adminListeners;
    this.transport = parts.transport;
    this.developmentCertificate = parts.developmentCertificate;
    this.metrics = parts.metrics;
    this.limiter = parts.limiter;
    this.warmUp = parts.warmUp;
  }

  /**
   * What start-up assembles; a plain holder so the constructor stays readable. Filled by the
   * starting thread; {@link #warmUp} is read by {@code /readyz} on the event loops as well.
   */
  static final class Parts {
    ServerConfig config;
    Hub hub;
    HubRoutes routes;
    EventLoopGroup group;
    ChannelGroup connections;
    List<Channel> listeners = new ArrayList<>();
    List<Channel> tlsListeners = new ArrayList<>();
    List<Channel> adminListeners = new ArrayList<>();
    Transport transport;

    /** Sent data may wait this long unacknowledged before the kernel drops a connection; 0: off. */
    int tcpUserTimeoutMillis;

    DevelopmentCertificate developmentCertificate;
    HubMetrics metrics;
    LimitCounters counters = new LimitCounters();
    ConnectionLimiter limiter;
    RateLimitedLog acceptFailures = AcceptBackoff.newLog();
    RateLimitedLog initFailures = new RateLimitedLog(log);

    /** Null until the listeners are bound and the warm-up (or none) has started. */
    volatile WarmUp warmUp;
  }

  /**
   * Binds every listen address of a server with a hub of its own ({@code config.hub()}, history in
   * memory) and every optional part left out; fails if one address cannot be bound, having released
   * everything it started (event loops, the JWK Set refresher) and closed the hub. Any thread;
   * blocks until bound. For a hub, clock, meters, tracing or access decider of your own, use {@link
   * #builder}.
   */
  public static HeraldServer start(ServerConfig config) throws InterruptedException {
    return builder(config).start();
  }

  /**
   * A server to start from {@code config} with parts of the caller's: {@code
   * HeraldServer.builder(config).hub(hub).meters(registry).start()}. Each part is optional and
   * named, rather than a position among many {@code start} overloads, so an embedder sets only the
   * ones it has and a new part adds a method, not an overload.
   */
  public static Builder builder(ServerConfig config) {
    return new Builder(config);
  }

  /**
   * The optional parts of a server, set by name, then {@link #start}ed. Each setter replaces what
   * it sets; null restores the default. Not thread-safe: one thread builds and starts it.
   */
  public static final class Builder {
    private final ServerConfig config;
    private Hub hub;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry meters;
    private Tracing tracing = Tracing.OFF;
    private AccessDecider decider;
    private DurableWebhooks webhookSubscribers;

    private Builder(ServerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * The hub to serve, which the server closes (also when it fails to start); default: a new hub
     * of {@code config.hub()} over a history in memory.
     */
    public Builder hub(Hub hub) {
      this.hub = hub;
      return this;
    }

    /** The clock of token expiry and of the demo; default: the system's UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = clock == null ? Clock.systemUTC() : clock;
      return this;
    }

    /**
     * An embedding application's registry, where the hub's meters are registered too (and removed
     * on {@link HeraldServer#close}); default: none, only {@code /metrics}.
     */
    public Builder meters(MeterRegistry meters) {
      this.meters = meters;
      return this;
    }

    /**
     * Traces each publish request; stays the caller's to close after the server. The hub's own
     * spans (append, fan-out) come from {@link Tracing#publishTracer()}, which the hub's dispatcher
     * reports to once it is given one. Default: {@link Tracing#OFF}.
     */
    public Builder tracing(Tracing tracing) {
      this.tracing = tracing == null ? Tracing.OFF : tracing;
      return this;
    }

    /**
     * Decides requests without a valid token, in place of the configured authorization callback;
     * the server closes it (also when it fails to start). Default: the configured callback, if any.
     */
    public Builder decider(AccessDecider decider) {
      this.decider = decider;
      return this;
    }

    /**
     * Whose registration API ({@code /.well-known/mercure/webhooks}) the server serves; the caller
     * closes it. Default: none, that API answers 404.
     */
    public Builder webhookSubscribers(DurableWebhooks webhookSubscribers) {
      this.webhookSubscribers = webhookSubscribers;
      return this;
    }

    /**
     * Binds every listen address; fails if one cannot be bound, having released everything it
     * started (event loops, the JWK Set refresher), closed the hub and the decider. Blocks until
     * bound.
     */
    public HeraldServer start() throws InterruptedException {
      return assemble(
          config,
          hub != null ? hub : new Hub(config.hub()),
          clock,
          meters,
          tracing,
          decider,
          webhookSubscribers);
    }
  }

  private static HeraldServer assemble(
      ServerConfig config,
      Hub hub,
      Clock clock,
      MeterRegistry meters,
      Tracing tracing,
      AccessDecider decider,
      DurableWebhooks webhookSubscribers)
      throws InterruptedException {
    Parts parts = new Parts();
    parts.config = config;
    parts.hub = hub;
    parts.transport = Transport.choose(config.transport());
    parts.tcpUserTimeoutMillis =
        (int) Math.min(Integer.MAX_VALUE, config.heartbeat().toMillis()); // honest leave
    // By default one event loop per CPU the process may use: more would time-slice the same cores.
    parts.group =
        new MultiThreadIoEventLoopGroup(
            config.resolvedEventLoops(), parts.transport.ioHandlerFactory());
    parts.connections = new DefaultChannelGroup("herald-connections", GlobalEventExecutor.INSTANCE);
    HubRoutes allRoutes = null;
    try {
      SslContext sslContext = null;
      if (!config.tlsListen().isEmpty()) {
        if (config.tlsCertificate() != null) {
          sslContext = TlsContexts.fromPem(config.tlsCertificate(), config.tlsKey());
        } else {
          parts.developmentCertificate = DevelopmentCertificate.generate();
          sslContext = TlsContexts.forDevelopment(parts.developmentCertificate);
        }
      }
      DemoClock demo =
          config.demo()
              ? new DemoClock(hub, parts.group.next(), config.demoInterval(), clock)
              : null;
      OpenStreams streams = new OpenStreams();
      ChannelGroup connections = parts.connections;
      Limits limits = config.limits();
      parts.limiter =
          new ConnectionLimiter(
              limits.resolveMaxConnections(OpenFiles.limit(), OpenFiles.open()),
              limits.maxConnectionsPerAddress(),
              Limits.RETRY_AFTER,
              parts.counters);
      parts.metrics =
          config.metrics()
              ? HubMetrics.create(
                  hub, connections::size, streams::size, streams::opened, parts.counters, meters)
              : HubMetrics.disabled(hub);
      MetricsPublisher metricsPublisher =
          config.metrics()
              ? new MetricsPublisher(hub, parts.metrics, parts.group.next(), METRICS_INTERVAL)
              : null;
      allRoutes =
          HubRoutes.create(
              hub,
              config,
              demo,
              parts.metrics,
              metricsPublisher,
              streams,
              clock,
              tracing,
              () -> readiness(hub, parts.warmUp),
              decider,
              webhookSubscribers);
      parts.routes = allRoutes.serving(publicRouteGroups(config));
      FrontDoor frontDoor = new FrontDoor(limits, parts.counters, HttpError::refusal);
      HttpPipelines pipelines = new HttpPipelines(parts.routes, frontDoor);
      for (InetSocketAddress address : config.listen()) {
        parts.listeners.add(bind(parts, address, pipelines.cleartext(), true, parts.limiter));
      }
      for (InetSocketAddress address : config.tlsListen()) {
        parts.tlsListeners.add(
            bind(parts, address, pipelines.tls(sslContext), false, parts.limiter));
      }
      if (config.adminListen() != null) {
        HttpPipelines admin =
            new HttpPipelines(allRoutes.serving(EnumSet.of(RouteGroup.ADMIN)), frontDoor);
        ConnectionLimiter adminLimiter =
            new ConnectionLimiter(ADMIN_MAX_CONNECTIONS, 0, Limits.RETRY_AFTER, parts.counters);
        parts.adminListeners.add(
            bind(parts, config.adminListen(), admin.cleartext(), true, adminLimiter));
      }
      parts.routes.info().bound(ports(parts.listeners), ports(parts.tlsListeners));
    } catch (Exception e) { // includes bind errors, which Netty throws undeclared
      if (parts.metrics != null) {
        parts.metrics.close();
      }
      parts.listeners.forEach(Channel::close);
      parts.tlsListeners.forEach(Channel::close);
      parts.adminListeners.forEach(Channel::close);
      // Waited for, so that a caller that retries (a Spring context, a supervisor) finds no
      // thread of this attempt left: the event loops, the JWK Set refresher, the dispatcher.
      parts.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
      if (allRoutes != null) {
        allRoutes.close();
      } else if (decider != null) {
        decider.close(); // the routes would have closed it
      }
      hub.close();
      throw e;
    }
    // Only now, so that warming up never delays listening: meanwhile /readyz answers 503.
    parts.warmUp = WarmUp.start(parts, clock);
    HeraldServer server = new HeraldServer(parts);
    log.info(
        "Herald listening on {} and TLS {} ({}, TLS by {}), at most {} connections{}{}",
        server.boundAddresses(),
        server.boundTlsAddresses(),
        parts.transport.name(),
        TlsContexts.provider(),
        parts.limiter.maxConnections(),
        config.ui() ? "" : ", no web UI",
        server.boundAdminAddress() == null
            ? ""
            : ", /metrics /healthz /readyz on " + server.boundAdminAddress() + " only");
    return server;
  }

  /**
   * What the public listeners serve: every group but the UI when it is off, and but the operations
   * routes when they have a listener of their own (as Mercure keeps its metrics off the public
   * address), so they are not reachable from wherever the hub is.
   */
  private static Set<RouteGroup> publicRouteGroups(ServerConfig config) {
    Set<RouteGroup> groups = EnumSet.copyOf(RouteGroup.all());
    if (!config.ui()) {
      groups.remove(RouteGroup.UI);
    }
    if (config.adminListen() != null) {
      groups.remove(RouteGroup.ADMIN);
    }
    return groups;
  }

  /**
   * @param cleartext whether a connection turned away by a limit can be told why in plain HTTP
   * @param limiter counts the listener's connections in (the public listeners share one)
   */
  static Channel bind(
      Parts parts,
      InetSocketAddress address,
      ChannelInitializer<Channel> protocol,
      boolean cleartext,
      ConnectionLimiter limiter)
      throws InterruptedException {
    ChannelGroup connections = parts.connections;
    RateLimitedLog initFailures = parts.initFailures;
    ChannelHandler tracked =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel channel) {
            if (channel.attr(AcceptBackoff.VERDICT).get() == ConnectionLimiter.Verdict.ADMIT) {
              connections.add(channel);
              channel.pipeline().addLast(protocol);
            } else {
              limiter.setUp(channel);
            }
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Out of file descriptors, even loading a class fails: one line, not a trace per
            // accept.
            initFailures.warn(
                "setting up connection {} failed: {}",
                ctx.channel().remoteAddress(),
                cause.toString());
            ctx.close();
          }
        };
    ServerBootstrap bootstrap = new ServerBootstrap();
    // Honest leave: a peer gone without a FIN (a dropped network, a killed laptop) stops acking the
    // heartbeats, and the kernel drops the connection once sent data waited this long, so its
    // subscriptions end within about two heartbeats instead of the minutes of TCP retries.
    // Keep-alive covers streams without heartbeats, on the kernel's (slower) schedule.
    if (parts.transport.tcpUserTimeout() != null && parts.tcpUserTimeoutMillis > 0) {
      bootstrap.childOption(parts.transport.tcpUserTimeout(), parts.tcpUserTimeoutMillis);
    }
    return bootstrap
        .group(parts.group)
        .channel(parts.transport.serverChannel())
        // Before Netty's acceptor: a failed accept pauses accepting instead of logging a trace.
        .handler(
            new AcceptBackoff(
                limiter, cleartext, OpenFiles.limit(), parts.counters, parts.acceptFailures))
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childHandler(tracked)
        .bind(address)
        .sync()
        .channel();
  }

  /** The hub this server serves: publish to it from code, from any thread. */
  public Hub hub() {
    return hub;
  }

  /**
   * Whether a load balancer should send this server new subscribers: the hub's readiness (its
   * shared log reachable), then whether the start-up warm-up is over. Safe from any thread.
   */
  public Readiness readiness() {
    return readiness(hub, warmUp);
  }

  private static Readiness readiness(Hub hub, WarmUp warmUp) {
    Readiness own = hub.readiness();
    if (!own.ready()) {
      return own;
    }
    return warmUp == null ? Readiness.notReady("starting") : warmUp.readiness();
  }

  /** The start-up warm-up, for tests: {@link WarmUp#NONE} when there was none. */
  WarmUp warmUp() {
    return warmUp;
  }

  /** The socket layer in use: {@code io_uring}, {@code epoll} or {@code nio}. */
  public String transportName() {
    return transport.name();
  }

  /** The certificate generated for TLS listeners when none was configured, or null. */
  public DevelopmentCertificate developmentCertificate() {
    return developmentCertificate;
  }

  /** The hub's figures, as served on {@code /metrics}; a null object when metrics are off. */
  public HubMetrics metrics() {
    return metrics;
  }

  /** The connection limit in force: --max-connections, or what the open-file limit allows. */
  public int maxConnections() {
    return limiter.maxConnections();
  }

  /** Open event streams, HTTP/1.1 and HTTP/2 alike. */
  public int openStreams() {
    return routes.streams().size();
  }

  /** The cleartext addresses actually bound (ports resolved when 0 was asked for). */
  public List<InetSocketAddress> boundAddresses() {
    return addresses(listeners);
  }

  /** The TLS addresses actually bound (ports resolved when 0 was asked for). */
  public List<InetSocketAddress> boundTlsAddresses() {
    return addresses(tlsListeners);
  }

  /** The operations listener's address (port resolved), or null without {@code --admin-listen}. */
  public InetSocketAddress boundAdminAddress() {
    return adminListeners.isEmpty() ? null : addresses(adminListeners).get(0);
  }

  /** The port of the first cleartext listener (resolved when 0 was asked for). */
  public int port() {
    return boundAddresses().get(0).getPort();
  }

  /** The port of the first TLS listener (resolved when 0 was asked for). */
  public int tlsPort() {
    return boundTlsAddresses().get(0).getPort();
  }

  private static List<Integer> ports(List<Channel> channels) {
    return addresses(channels).stream().map(InetSocketAddress::getPort).toList();
  }

  private static List<InetSocketAddress> addresses(List<Channel> channels) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (Channel channel : channels) {
      out.add((InetSocketAddress) channel.localAddress());
    }
    return out;
  }

  /**
   * Shuts down gracefully within the configured grace period: stops accepting, ends every event
   * stream with a jittered {@code retry:} hint, finishes publishes already accepted, then closes
   * connections (HTTP/2 ones with GOAWAY) and the event loops.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // First, while the event loops still run to close its listener and connections.
    warmUp.close();
    Duration grace = config.shutdownGrace();
    long deadline = System.nanoTime() + grace.toNanos();
    listeners.forEach(channel -> channel.close().syncUninterruptibly());
    tlsListeners.forEach(channel -> channel.close().syncUninterruptibly());
    adminListeners.forEach(channel -> channel.close().syncUninterruptibly());
    routes.streams().endAll(Duration.ofSeconds(4));
    hub.close(remaining(deadline));
    connections.close().awaitUninterruptibly(remaining(deadline).toMillis());
    group
        .shutdownGracefully(0, Math.max(1, remaining(deadline).toMillis()), TimeUnit.MILLISECONDS)
        .syncUninterruptibly();
    metrics.close();
    routes.close();
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
  }
}
