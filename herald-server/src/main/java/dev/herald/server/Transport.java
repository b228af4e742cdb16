package dev.herald.server;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket layer: io_uring when the kernel allows it (it submits the many small writes of a
 * fan-out in batches, measured at about 1.5x the events per CPU-second of epoll here), else native
 * epoll, else NIO. Immutable.
 *
 * @param tcpUserTimeout the option bounding how long sent data may stay unacknowledged before the
 *     kernel drops the connection ({@code TCP_USER_TIMEOUT}), or null where the layer has none
 *     (NIO)
 */
record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    ChannelOption<Integer> tcpUserTimeout) {

  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  /** The names {@link #choose} accepts. */
  static final List<String> NAMES = List.of("auto", "io_uring", "epoll", "nio");

  /**
   * A comma-separated list of native transports to treat as unavailable, e.g. {@code io_uring}:
   * reproduces a container whose seccomp profile blocks io_uring on a machine where it works.
   */
  static final String UNAVAILABLE_PROPERTY = "herald.transport.unavailable";

  /**
   * Why a native transport cannot be used here, or null when it can. The one seam between the
   * choice and the kernel, so tests can take io_uring or epoll away.
   */
  interface Natives {
    String ioUringUnavailable();

    String epollUnavailable();

    /** Netty's own checks, minus what {@link #UNAVAILABLE_PROPERTY} takes away. */
    static Natives probe() {
      Set<String> disabled =
          Arrays.stream(System.getProperty(UNAVAILABLE_PROPERTY, "").split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .collect(Collectors.toSet());
      return new Natives() {
        @Override
        public String ioUringUnavailable() {
          return disabled.contains("io_uring")
              ? "disabled by -D" + UNAVAILABLE_PROPERTY
              : IoUring.isAvailable() ? null : String.valueOf(IoUring.unavailabilityCause());
        }

        @Override
        public String epollUnavailable() {
          return disabled.contains("epoll")
              ? "disabled by -D" + UNAVAILABLE_PROPERTY
              : Epoll.isAvailable() ? null : String.valueOf(Epoll.unavailabilityCause());
        }
      };
    }
  }

  static Transport choose(String name) {
    return choose(name, Natives.probe());
  }

  /**
   * The transport to use: {@code auto} picks the best available and says in one log line what it
   * skipped and why; a named one must be available.
   *
   * @throws IllegalArgumentException naming the transport and why it cannot be used
   */
  static Transport choose(String name, Natives natives) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "transport: " + name + " (expected one of: " + NAMES + ")");
    }
    String ioUring = natives.ioUringUnavailable();
    String epoll = natives.epollUnavailable();
    switch (name) {
      case "io_uring" -> {
        requireAvailable(name, ioUring);
        return ioUring();
      }
      case "epoll" -> {
        requireAvailable(name, epoll);
        return epoll();
      }
      case "nio" -> {
        return nio();
      }
      default -> {
        if (ioUring == null) {
          return ioUring();
        }
        if (epoll == null) {
          log.info("transport auto: io_uring unavailable ({}), using epoll", ioUring);
          return epoll();
        }
        log.info(
            "transport auto: io_uring unavailable ({}), epoll unavailable ({}), using nio",
            ioUring,
            epoll);
        return nio();
      }
    }
  }

  private static void requireAvailable(String name, String unavailable) {
    if (unavailable != null) {
      throw new IllegalArgumentException(
          "transport: " + name + " is not available here (" + unavailable + ")");
    }
  }

  private static Transport ioUring() {
    return new Transport(
        "io_uring",
        IoUringIoHandler.newFactory(),
        IoUringServerSocketChannel.class,
        IoUringChannelOption.TCP_USER_TIMEOUT);
  }

  private static Transport epoll() {
    return new Transport(
        "epoll",
        EpollIoHandler.newFactory(),
        EpollServerSocketChannel.class,
        EpollChannelOption.TCP_USER_TIMEOUT);
  }

  private static Transport nio() {
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, null);
  }
}
