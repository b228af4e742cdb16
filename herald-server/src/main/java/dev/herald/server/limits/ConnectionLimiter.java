package dev.herald.server.limits;

import dev.herald.core.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, as soon as a socket is accepted and before it is set up, whether it is admitted: over
 * the hub's connection limit it gets {@code 503} and {@code Retry-After}, over the per-address
 * limit {@code 429}, both followed by a close. The answer is written before the client has asked
 * anything, so it costs no parsing, and a short linger lets a client whose request is still in
 * flight read it instead of a reset. On a TLS listener, where nothing can be said before a
 * handshake, and when {@link #MAX_TURNING_AWAY} connections are being answered already, the socket
 * is closed at once, before it is even registered with an event loop: a flood then costs one accept
 * and one close per connection and holds no descriptor, so it cannot use up the room kept back for
 * the history, Redis and the answers themselves.
 *
 * <p>{@link #verdict} runs on the listeners' event loops, {@link #setUp} on the connections'; all
 * state is atomic.
 */
public final class ConnectionLimiter {

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

  /** How long a turned-away connection stays half-closed so its answer is read, not reset. */
  private static final long LINGER_MILLIS = 200;

  /**
   * Connections being answered and turned away at once; each holds a descriptor until its close
   * completes. Past it, a rejected socket is closed without an answer.
   */
  static final int MAX_TURNING_AWAY = 64;

  private static final AttributeKey<ByteBuf> ANSWER = AttributeKey.valueOf("herald.turn-away");

  /** What becomes of an accepted socket. */
  public enum Verdict {
    /** Counted in; set it up. */
    ADMIT,
    /** Set it up only to write its answer ({@link #setUp}) and close. */
    TURN_AWAY,
    /** Closed already, never registered: forget it. */
    DROPPED
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final long retryAfterSeconds;
  private final LimitCounters counters;
  private final RateLimitedLog rejections = new RateLimitedLog(log);
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger turningAway = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress =
      new ConcurrentHashMap<>();

  /**
   * Made at start-up: once the descriptors run out, not even a class file can be opened, so what
   * turning a connection away needs must be loaded before.
   */
  private final ChannelInboundHandlerAdapter discard = new Discard();

  /**
   * @param maxConnections open connections allowed over every listener
   * @param maxPerAddress open connections allowed from one address; 0 for no limit
   */
  public ConnectionLimiter(
      int maxConnections, int maxPerAddress, Duration retryAfter, LimitCounters counters) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.retryAfterSeconds = Math.max(1, retryAfter.toSeconds());
    this.counters = counters;
    answer("503 Service Unavailable", "warm-up").release(); // loads what answering needs
  }

  public int maxConnections() {
    return maxConnections;
  }

  /** Connections admitted and not closed yet. */
  public int open() {
    return open.get();
  }

  /**
   * Counts the socket in, or decides how to turn it away. Listener's event loop, before the socket
   * is registered.
   *
   * @param canAnswer whether an HTTP/1.1 answer can be written before anything was read (not on a
   *     TLS listener)
   */
  public Verdict verdict(Channel socket, boolean canAnswer) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      counters.rejected(LimitCounters.Rejection.MAX_CONNECTIONS);
      rejections.warn(
          "turning connections away: {} open (the limit, --max-connections)", maxConnections);
      return turnAway(
          socket,
          canAnswer,
          "503 Service Unavailable",
          "connection limit reached: "
              + maxConnections
              + " open (expected: at most --max-connections); retry later");
    }
    InetAddress address = maxPerAddress > 0 ? addressOf(socket) : null;
    if (address != null) {
      AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
      if (count.incrementAndGet() > maxPerAddress) {
        release(address, count);
        open.decrementAndGet();
        counters.rejected(LimitCounters.Rejection.PER_ADDRESS);
        rejections.warn(
            "turning connections from {} away: {} open (--max-connections-per-address)",
            address.getHostAddress(),
            maxPerAddress);
        return turnAway(
            socket,
            canAnswer,
            "429 Too Many Requests",
            "too many connections from "
                + address.getHostAddress()
                + ": "
                + maxPerAddress
                + " open (expected: at most --max-connections-per-address); retry later");
      }
      socket.closeFuture().addListener(closed -> release(address, count));
    }
    socket.closeFuture().addListener(closed -> open.decrementAndGet());
    return Verdict.ADMIT;
  }

  private Verdict turnAway(Channel socket, boolean canAnswer, String status, String reason) {
    if (!canAnswer || turningAway.incrementAndGet() > MAX_TURNING_AWAY) {
      if (canAnswer) {
        turningAway.decrementAndGet();
      }
      socket.unsafe().closeForcibly(); // not registered yet: the descriptor is released now
      return Verdict.DROPPED;
    }
    socket.closeFuture().addListener(closed -> turningAway.decrementAndGet());
    socket.attr(ANSWER).set(answer(status, reason));
    return Verdict.TURN_AWAY;
  }

  /**
   * Connection's event loop, once registered: writes a turned-away connection's answer, shuts its
   * output and closes it after a short linger.
   */
  public void setUp(Channel channel) {
    ByteBuf answer = channel.attr(ANSWER).getAndSet(null);
    if (answer == null) {
      channel.close();
      return;
    }
    // Whatever the client sends is read and dropped, so the close that follows is a FIN.
    channel.pipeline().addLast(discard);
    // Closed after the linger whether or not the answer could be written.
    channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    channel
        .writeAndFlush(answer)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (written.isSuccess() && channel instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                  } else {
                    channel.close();
                  }
                });
  }

  private void release(InetAddress address, AtomicInteger count) {
    if (count.decrementAndGet() == 0) {
      perAddress.remove(address, count); // a racing verdict re-creates it
    }
  }

  private static InetAddress addressOf(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  private ByteBuf answer(String status, String reason) {
    byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + "\r\n"
            + "content-type: text/plain; charset=utf-8\r\n"
            + "content-length: "
            + body.length
            + "\r\n"
            + "retry-after: "
            + retryAfterSeconds
            + "\r\n"
            + "connection: close\r\n\r\n";
    ByteBuf out = Unpooled.buffer(head.length() + body.length);
    out.writeCharSequence(head, StandardCharsets.US_ASCII);
    out.writeBytes(body);
    return out;
  }

  /** Drops what a turned-away client sends (Netty closes when the client closes its side). */
  @ChannelHandler.Sharable
  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
