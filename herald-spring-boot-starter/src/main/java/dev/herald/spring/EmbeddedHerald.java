package dev.herald.spring;

import dev.herald.core.Hub;
import dev.herald.core.Readiness;
import dev.herald.node.HeraldNode;
import dev.herald.node.HistoryUnavailableException;
import dev.herald.node.NodeConfig;
import dev.herald.outbox.OutboxConsumer;
import dev.herald.server.HeraldServer;
import dev.herald.server.trace.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * A hub running inside the application ({@code herald.embedded.enabled=true}), on its own port: a
 * {@link HeraldNode}, assembled as {@code herald serve} assembles it. The hub exists from
 * construction, so the application can publish before the listeners are bound; {@link #start} binds
 * them, {@link #stop} shuts down gracefully: every stream gets a jittered {@code retry:} and is
 * closed, then the hub and its history.
 *
 * <p>Its {@linkplain #getPhase phase} stops it before the web server's graceful shutdown, so
 * subscribers reconnect elsewhere while the application still answers requests. Started and stopped
 * by Spring's lifecycle thread; the accessors are safe from any thread.
 */
public final class EmbeddedHerald implements SmartLifecycle, DisposableBean {

  /**
   * Above the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and the web server
   * itself ({@code DEFAULT_PHASE - 2048}): a higher phase stops first.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final HeraldNode node;
  private final MeterRegistry meters;
  private final Tracing tracing;
  private volatile HeraldServer server;
  private volatile boolean closed;

  /**
   * @throws HeraldConfigurationException if the history cannot be opened or reached
   */
  EmbeddedHerald(NodeConfig config, MeterRegistry meters) {
    this(config, meters, Tracing.OFF);
  }

  /**
   * @param tracing the application's own OpenTelemetry, or {@link Tracing#OFF}
   * @throws HeraldConfigurationException if the history cannot be opened or reached
   */
  EmbeddedHerald(NodeConfig config, MeterRegistry meters, Tracing tracing) {
    this.meters = meters;
    this.tracing = tracing;
    try {
      this.node = HeraldNode.open(config, tracing.publishTracer());
    } catch (HistoryUnavailableException e) {
      throw new HeraldConfigurationException(
          EmbeddedHubConfig.PREFIX + "." + e.setting() + ": " + e.getMessage(), e);
    }
  }

  /** The hub, to publish to and subscribe from in-process. */
  public Hub hub() {
    return node.hub();
  }

  /** The consumer of {@code herald.embedded.outbox}, or null without one. */
  public OutboxConsumer outbox() {
    return node.outbox();
  }

  /** The addresses bound for HTTP; empty until started. */
  public List<InetSocketAddress> boundAddresses() {
    HeraldServer running = server;
    return running == null ? List.of() : running.boundAddresses();
  }

  /** The first HTTP port bound (the one asked for, or the free one picked for port 0). */
  public int port() {
    return boundAddresses().get(0).getPort();
  }

  /**
   * The hub's URL on its first HTTP address, as a browser on this machine reaches it: {@code
   * localhost} for a loopback or wildcard address. Behind a proxy, pages reach it elsewhere: give
   * {@link HeraldTemplate#discoveryLink(URI)} that URL instead.
   *
   * @throws IllegalStateException if the hub is not started (or has no HTTP listener)
   */
  public URI hubUrl() {
    List<InetSocketAddress> bound = boundAddresses();
    if (bound.isEmpty()) {
      throw new IllegalStateException(
          "herald: the embedded hub has no HTTP address (expected: started, with"
              + " herald.embedded.listen)");
    }
    InetSocketAddress first = bound.get(0);
    InetAddress address = first.getAddress();
    String host =
        address == null
            ? first.getHostString()
            : address.isLoopbackAddress() || address.isAnyLocalAddress()
                ? "localhost"
                : address.getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + first.getPort() + "/.well-known/mercure");
  }

  /** Why the hub should get no new subscribers now, for the health indicator. */
  Readiness readiness() {
    if (server == null) {
      return Readiness.notReady(closed ? "stopped" : "not started");
    }
    return server.readiness(); // the hub's, then whether the warm-up is over
  }

  @Override
  public synchronized void start() {
    if (server != null || closed) {
      return;
    }
    try {
      server = node.listen(Clock.systemUTC(), meters, tracing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the embedded hub started", e);
    } catch (IllegalArgumentException e) {
      closed = true; // the node closed itself, its history included
      throw HeraldConfigurationException.of(EmbeddedHubConfig.PREFIX, e);
    } catch (RuntimeException e) { // an address in use, no permission
      closed = true;
      throw new HeraldConfigurationException(
          EmbeddedHubConfig.PREFIX
              + ".listen: cannot listen on "
              + node.config().server().listen()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized void stop() {
    server = null;
    closed = true;
    node.close(); // streams get retry: and close; the hub and its history close
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  /**
   * Not paused with its context (Spring's test context cache pauses contexts it keeps for later):
   * stopping closes the hub, its history and every stream, which a restart could not bring back.
   */
  @Override
  public boolean isPauseable() {
    return false;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** A context that fails before {@link #start} still releases the hub and its history. */
  @Override
  public void destroy() {
    if (!closed) {
      stop();
    }
  }
}
