package dev.herald.server;

import dev.herald.core.Hub;
import dev.herald.core.Readiness;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.server.http.HttpError;
import dev.herald.server.http.HttpPipelines;
import dev.herald.server.http.HubRoutes;
import dev.herald.server.http.RouteGroup;
import dev.herald.server.limits.ConnectionLimiter;
import dev.herald.server.limits.FrontDoor;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.sse.OpenStreams;
import dev.herald.server.trace.Tracing;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms a freshly started server before it reports ready: the JIT compiles the hot paths (HTTP
 * decoding, token checks, publish, fan-out, SSE encoding and writes) during the first seconds of
 * load, so a node that took traffic at once would serve its first minute — a rolling restart's
 * reconnect storm — at a fraction of its speed.
 *
 * <p>The load goes to a hub of its own, never to the server's: a second {@link Hub} with a small
 * memory history, served by the same classes (pipelines, routes, handlers) on the same event loops
 * through a listener on an ephemeral loopback port, with keys generated here and thrown away. The
 * server's hub never sees a warm-up event, so none can reach, or be replayed to, a real subscriber,
 * whatever its selector. Everything here is closed when the warm-up ends, fails or is stopped.
 *
 * <p>Started and {@link #close closed} by the thread that starts and closes the server; the load
 * runs on its own thread, {@code herald-warm-up}; {@link #readiness} is safe from any thread.
 */
final class WarmUp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

  /** Events the warm-up hub keeps: enough to warm the replay path, little memory. */
  private static final int HISTORY = 1_000;

  /** The warm-up's own connections: its subscribers, its publisher and a margin. */
  private static final int MAX_CONNECTIONS = 64;

  /** How long stopping may wait for the load thread to close its sockets and the hub. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /** A warm-up that is already over: the server is ready at once. */
  static final WarmUp NONE = new WarmUp();

  private final Duration duration;
  private final Thread thread;
  private final LoopbackLoad load;
  private final Hub hub;
  private final HubRoutes routes;
  private final HubMetrics metrics;
  private final Channel listener;
  private final InetSocketAddress address;
  private final ChannelGroup connections;
  private volatile boolean done;
  private boolean closed;

  private WarmUp() {
    this.duration = Duration.ZERO;
    this.thread = null;
    this.load = null;
    this.hub = null;
    this.routes = null;
    this.metrics = null;
    this.listener = null;
    this.address = null;
    this.connections = null;
    this.done = true;
  }

  private WarmUp(
      Duration duration,
      Hub hub,
      HubRoutes routes,
      HubMetrics metrics,
      Channel listener,
      ChannelGroup connections,
      LoopbackLoad load) {
    this.duration = duration;
    this.hub = hub;
    this.routes = routes;
    this.metrics = metrics;
    this.listener = listener;
    this.address = (InetSocketAddress) listener.localAddress();
    this.connections = connections;
    this.load = load;
    this.thread = new Thread(this::run, "herald-warm-up");
    this.thread.setDaemon(true);
  }

  /**
   * Starts warming the server assembled in {@code server} (its listeners already bound), or returns
   * {@link #NONE} when its configuration asks for no warm-up or the warm-up cannot start; never
   * throws, since a cold server is better than none.
   */
  static WarmUp start(HeraldServer.Parts server, Clock clock) {
    return start(server, clock, LoopbackLoad.Plan.DEFAULT);
  }

  static WarmUp start(HeraldServer.Parts server, Clock clock, LoopbackLoad.Plan plan) {
    Duration duration = server.config.warmUp();
    if (duration.isZero()) {
      return NONE;
    }
    HeraldServer.Parts parts = new HeraldServer.Parts();
    parts.group = server.group;
    parts.transport = server.transport;
    parts.connections = new DefaultChannelGroup("herald-warm-up", GlobalEventExecutor.INSTANCE);
    JwtKey key = JwtKey.parse("HS256", TokenMinter.randomSecret());
    ServerConfig config = configFor(server.config, key);
    Hub hub = null;
    HubRoutes routes = null;
    Channel listener = null;
    try {
      hub = new Hub(config.hub());
      OpenStreams streams = new OpenStreams();
      // The same metrics as the server's, so their recording on the delivery path is warmed too,
      // in a registry of their own that nobody scrapes.
      parts.metrics =
          config.metrics()
              ? HubMetrics.create(
                  hub,
                  parts.connections::size,
                  streams::size,
                  streams::opened,
                  parts.counters,
                  null)
              : HubMetrics.disabled(hub);
      routes =
          HubRoutes.create(hub, config, null, parts.metrics, null, streams, clock, Tracing.OFF)
              .serving(EnumSet.of(RouteGroup.HUB));
      HttpPipelines pipelines =
          new HttpPipelines(
              routes, new FrontDoor(config.limits(), parts.counters, HttpError::refusal));
      listener =
          HeraldServer.bind(
              parts,
              config.listen().get(0),
              pipelines.cleartext(),
              true,
              new ConnectionLimiter(MAX_CONNECTIONS, 0, Limits.RETRY_AFTER, parts.counters));
      InetSocketAddress address = (InetSocketAddress) listener.localAddress();
      LoopbackLoad load =
          new LoopbackLoad(
              address,
              TokenMinter.mint(key, null, List.of("*"), null, null, clock),
              TokenMinter.mint(key, List.of("*"), null, null, null, clock),
              plan,
              clock,
              clock.millis() + duration.toMillis());
      WarmUp warmUp =
          new WarmUp(duration, hub, routes, parts.metrics, listener, parts.connections, load);
      log.info(
          "warming up for {} over {} ({} subscribers, publishes pipelined {} deep);"
              + " /readyz answers 503 until done",
          text(duration),
          address,
          plan.subscribers(),
          plan.window());
      warmUp.thread.start();
      return warmUp;
    } catch (Exception | LinkageError e) { // bind errors are thrown undeclared by Netty
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("warm-up skipped, the hub starts cold: {}", e.toString());
      closeQuietly(listener, parts.connections, hub, routes, parts.metrics);
      return NONE;
    }
  }

  /**
   * The server's own configuration, as far as the hot paths go, made private to the warm-up: an
   * ephemeral loopback port, throwaway keys, no anonymous access, no TLS, UI, demo or operations
   * routes, no remote key sets (they would fetch), and a small memory history.
   */
  private static ServerConfig configFor(ServerConfig server, JwtKey key) {
    return server.toBuilder()
        .listen(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        .tlsListen(List.of())
        .tls(null, null)
        .adminListen(null)
        .publisherKey(key)
        .subscriberKey(key)
        .anonymous(false)
        .corsOrigins(List.of())
        .publishOrigins(List.of())
        .demo(false)
        .ui(false)
        .developmentTokens(false)
        .protocols(ProtocolConfig.DEFAULTS)
        .hub(server.hub().withHistorySize(HISTORY).withSubscriptionEvents(false))
        .warmUp(Duration.ZERO)
        .build();
  }

  /** 503 with a one-line reason while the warm-up runs, ready once it is over. */
  Readiness readiness() {
    return done
        ? Readiness.READY
        : Readiness.notReady(
            "warming up ("
                + text(duration)
                + " of load on a private loopback hub so the JIT compiles the hot paths; --warm-up)");
  }

  /** As an operator writes it on the command line: 3s, 500ms. */
  private static String text(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  boolean done() {
    return done;
  }

  /** Where the warm-up hub listens (loopback, while it runs), or null without a warm-up. */
  InetSocketAddress address() {
    return address;
  }

  /** Acknowledged warm-up publishes so far; 0 without a warm-up. */
  long publishes() {
    return load == null ? 0 : load.acknowledged();
  }

  private void run() {
    long started = System.nanoTime();
    String outcome;
    try {
      load.run();
      outcome = "done";
    } catch (Exception | LinkageError e) {
      outcome = "ended early (" + e.getMessage() + ")";
    } finally {
      closeQuietly(listener, connections, hub, routes, metrics);
    }
    if (outcome.equals("done")) {
      log.info(
          "warm-up done in {} ms: {} publishes answered, {} KiB of events read, {}"
              + " subscribers reconnected; ready",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          load.acknowledged(),
          load.eventBytes() / 1024,
          load.resubscribed());
    } else {
      log.warn(
          "warm-up {} after {} publishes; ready, possibly not yet at full speed",
          outcome,
          load.acknowledged());
    }
    done = true;
  }

  /**
   * Stops the warm-up if it still runs and waits (boundedly) until its sockets, listener and hub
   * are closed, so a server closed during its warm-up — a failed start of whatever embeds it —
   * leaves no thread or socket of it behind. Call before the event loops shut down.
   */
  @Override
  public synchronized void close() {
    if (closed || thread == null) {
      return;
    }
    closed = true;
    load.stop();
    try {
      thread.join(STOP_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("the warm-up did not stop within {}", STOP_WAIT);
    }
  }

  private static void closeQuietly(
      Channel listener, ChannelGroup connections, Hub hub, HubRoutes routes, HubMetrics metrics) {
    // Each step on its own, so that one failing leaves none of the others open.
    quietly(
        "its listener",
        () -> {
          if (listener != null) {
            listener.close().awaitUninterruptibly(STOP_WAIT.toMillis());
          }
        });
    quietly(
        "its connections", () -> connections.close().awaitUninterruptibly(STOP_WAIT.toMillis()));
    quietly(
        "its hub",
        () -> {
          if (hub != null) {
            hub.close(Duration.ofSeconds(1));
          }
        });
    quietly(
        "its routes",
        () -> {
          if (routes != null) {
            routes.close();
          }
        });
    quietly(
        "its metrics",
        () -> {
          if (metrics != null) {
            metrics.close();
          }
        });
  }

  private static void quietly(String what, Runnable close) {
    try {
      close.run();
    } catch (RuntimeException e) {
      log.warn("closing the warm-up's {} failed: {}", what, e.toString());
    }
  }
}
