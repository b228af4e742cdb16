package dev.herald.server.limits;

import dev.herald.core.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
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
 * Admits a new connection or turns it away at once: over the hub's connection limit with {@code
 * 503} and {@code Retry-After}, over the per-address limit with {@code 429}, both followed by a
 * close. The answer is written before the client has asked anything, so it costs no parsing and
 * holds no file descriptor for longer than a short linger (a client whose request is still in
 * flight reads the answer instead of a reset); on a TLS listener, where nothing can be said
 * before a handshake, the connection is just closed.
 *
 * <p>Safe from any thread: every accepting event loop calls {@link #admit} concurrently.
 */
public final class ConnectionLimiter {

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

  /** How long a turned-away connection stays half-closed so its answer is read, not reset. */
  private static final long LINGER_MILLIS = 200;

  /** Turned-away connections allowed to linger at once; past it they are closed at once. */
  private static final int MAX_LINGERING = 256;

  private final int maxConnections;
  private final int maxPerAddress;
  private final long retryAfterSeconds;
  private final LimitCounters counters;
  private final RateLimitedLog rejections = new RateLimitedLog(log);
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger lingering = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress =
      new ConcurrentHashMap<>();

  /**
   * @param maxConnections open connections allowed over every listener
   * @param maxPerAddress open connections allowed from one address; 0 for no limit
   */
  public ConnectionLimiter(int maxConnections, int maxPerAddress, Duration retryAfter,
      LimitCounters counters) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.retryAfterSeconds = Math.max(1, retryAfter.toSeconds());
    this.counters = counters;
  }

  public int maxConnections() {
    return maxConnections;
  }

  /** Connections admitted and not closed yet. */
  public int open() {
    return open.get();
  }

  /**
   * Counts the new connection in, or answers and closes it.
   *
   * @param canAnswer whether an HTTP/1.1 answer can be written before anything was read (not on
   *     a TLS listener)
   * @return whether the connection was admitted; if not, nothing else may be added to it
   */
  public boolean admit(Channel channel, boolean canAnswer) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      counters.rejected(LimitCounters.Rejection.MAX_CONNECTIONS);
      rejections.warn("turning connections away: {} open (the limit, --max-connections)",
          maxConnections);
      turnAway(channel, canAnswer, "503 Service Unavailable", "connection limit reached: "
          + maxConnections + " open (expected: at most --max-connections); retry later");
      return false;
    }
    InetAddress address = maxPerAddress > 0 ? addressOf(channel) : null;
    if (address != null) {
      AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
      if (count.incrementAndGet() > maxPerAddress) {
        release(address, count);
        open.decrementAndGet();
        counters.rejected(LimitCounters.Rejection.PER_ADDRESS);
        rejections.warn("turning connections from {} away: {} open (--max-connections-per-address)",
            address.getHostAddress(), maxPerAddress);
        turnAway(channel, canAnswer, "429 Too Many Requests", "too many connections from "
            + address.getHostAddress() + ": " + maxPerAddress
            + " open (expected: at most --max-connections-per-address); retry later");
        return false;
      }
      channel.closeFuture().addListener(closed -> release(address, count));
    }
    channel.closeFuture().addListener(closed -> open.decrementAndGet());
    return true;
  }

  private void release(InetAddress address, AtomicInteger count) {
    if (count.decrementAndGet() == 0) {
      perAddress.remove(address, count); // a racing admit re-creates it; a stale entry is dropped
    }
  }

  private static InetAddress addressOf(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  private void turnAway(Channel channel, boolean canAnswer, String status, String reason) {
    if (!canAnswer || lingering.get() >= MAX_LINGERING) {
      channel.close();
      return;
    }
    lingering.incrementAndGet();
    channel.closeFuture().addListener(closed -> lingering.decrementAndGet());
    // Whatever the client sends is read and dropped, so the close that follows is a FIN.
    channel.pipeline().addLast(new Discard());
    channel.writeAndFlush(answer(status, reason)).addListener((ChannelFutureListener) written -> {
      if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
        channel.close();
        return;
      }
      duplex.shutdownOutput();
      channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    });
  }

  private ByteBuf answer(String status, String reason) {
    byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + "\r\n"
        + "content-type: text/plain; charset=utf-8\r\n"
        + "content-length: " + body.length + "\r\n"
        + "retry-after: " + retryAfterSeconds + "\r\n"
        + "connection: close\r\n\r\n";
    ByteBuf out = Unpooled.buffer(head.length() + body.length);
    out.writeCharSequence(head, StandardCharsets.US_ASCII);
    out.writeBytes(body);
    return out;
  }

  /** Drops what a turned-away client sends (Netty closes when the client closes its side). */
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
