package dev.herald.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The socket layer: io_uring when the kernel allows it (it submits the many small writes of a
 * fan-out in batches, measured at about 1.5x the events per CPU-second of epoll here), else
 * native epoll, else NIO. Immutable.
 */
record Transport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel) {

  /** The names {@link #choose} accepts. */
  static final java.util.List<String> NAMES = java.util.List.of("auto", "io_uring", "epoll", "nio");

  /**
   * The transport to use: {@code auto} picks the best available; a named one must be available.
   *
   * @throws IllegalArgumentException naming the transport and why it cannot be used
   */
  static Transport choose(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("transport: " + name + " (expected one of: " + NAMES + ")");
    }
    Transport best = best(name.equals("auto") ? "" : name);
    if (!name.equals("auto") && !best.name().equals(name)) {
      throw new IllegalArgumentException("transport: " + name + " is not available here"
          + (name.equals("io_uring") ? " (" + IoUring.unavailabilityCause() + ")"
              : name.equals("epoll") ? " (" + Epoll.unavailabilityCause() + ")" : ""));
    }
    return best;
  }

  private static Transport best(String wanted) {
    if ((wanted.isEmpty() || wanted.equals("io_uring")) && IoUring.isAvailable()) {
      return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class);
    }
    if ((wanted.isEmpty() || wanted.equals("epoll")) && Epoll.isAvailable()) {
      return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
    }
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
  }
}
