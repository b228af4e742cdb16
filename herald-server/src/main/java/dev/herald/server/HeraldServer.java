package dev.herald.server;

import dev.herald.core.Hub;
import dev.herald.server.demo.DemoClock;
import dev.herald.server.http.HttpInitializer;
import dev.herald.server.http.HubRoutes;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Herald: the hub plus its listeners. Start with {@link #start}, stop with {@link
 * #close}. Safe from any thread.
 */
public final class HeraldServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HeraldServer.class);

  /**
   * Per-connection outbound buffer bounds: past the high mark a stream stops draining its
   * subscriber's queue until the client reads, so a slow client costs at most this much memory
   * plus its bounded queue.
   */
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

  private final Hub hub;
  private final EventLoopGroup group;
  private final List<Channel> listeners;
  private final Transport transport;

  private HeraldServer(Hub hub, EventLoopGroup group, List<Channel> listeners, Transport transport) {
    this.hub = hub;
    this.group = group;
    this.listeners = listeners;
    this.transport = transport;
  }

  /** Binds every listen address; fails (and releases everything) if one cannot be bound. */
  public static HeraldServer start(ServerConfig config) throws InterruptedException {
    return start(config, new Hub(config.hub()), Clock.systemUTC());
  }

  public static HeraldServer start(ServerConfig config, Hub hub, Clock clock)
      throws InterruptedException {
    Transport transport = Transport.best();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, transport.ioHandlerFactory());
    List<Channel> listeners = new ArrayList<>();
    try {
      DemoClock demo =
          config.demo() ? new DemoClock(hub, group.next(), config.demoInterval(), clock) : null;
      HubRoutes routes = HubRoutes.create(hub, config, demo, clock);
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(group)
              .channel(transport.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 4096)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
              .childHandler(new HttpInitializer(routes));
      for (InetSocketAddress address : config.listen()) {
        listeners.add(bootstrap.bind(address).sync().channel());
      }
    } catch (Exception e) { // includes bind errors, which Netty throws undeclared
      listeners.forEach(Channel::close);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      hub.close();
      throw e;
    }
    HeraldServer server = new HeraldServer(hub, group, listeners, transport);
    log.info("Herald listening on {} ({})", server.boundAddresses(), transport.name());
    return server;
  }

  public Hub hub() {
    return hub;
  }

  public String transportName() {
    return transport.name();
  }

  /** The addresses actually bound (ports resolved when 0 was asked for). */
  public List<InetSocketAddress> boundAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (Channel listener : listeners) {
      out.add((InetSocketAddress) listener.localAddress());
    }
    return out;
  }

  public int port() {
    return boundAddresses().get(0).getPort();
  }

  @Override
  public void close() {
    for (Channel listener : listeners) {
      listener.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    hub.close();
  }
}
