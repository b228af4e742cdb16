package dev.herald.server.limits;

import dev.herald.core.RateLimitedLog;
import dev.herald.server.Limits;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits every connection's pipeline enforces, the counters they bump and the rate-limited logs
 * they share; hands out the per-connection handlers. Immutable; safe from any thread.
 */
public final class FrontDoor {

  private static final Logger log = LoggerFactory.getLogger(FrontDoor.class);

  private final Limits limits;
  private final LimitCounters counters;
  private final RateLimitedLog badRequests = RequestLimits.newLog();
  private final RateLimitedLog connectionErrors = new RateLimitedLog(log);
  private final ChannelHandler lastResort = new LastResort();

  private final Refusal refusal;

  /**
   * @param refusal builds the answers of refused requests (the HTTP layer's one builder)
   */
  public FrontDoor(Limits limits, LimitCounters counters, Refusal refusal) {
    this.refusal = refusal;
    this.limits = limits;
    this.counters = counters;
  }

  public Limits limits() {
    return limits;
  }

  public LimitCounters counters() {
    return counters;
  }

  /** Header, body and idle timeouts of an HTTP/1.1 connection. */
  public ChannelHandler connectionDeadlines() {
    return RequestDeadlines.forConnection(limits, counters, refusal);
  }

  /** The body timeout of one HTTP/2 stream. */
  public ChannelHandler streamDeadlines() {
    return RequestDeadlines.forStream(limits, counters, refusal);
  }

  /** First-stream and idle timeouts of an HTTP/2 connection; goes after its frame codec. */
  public ChannelHandler http2Deadlines() {
    return new Http2Deadlines(limits, counters);
  }

  /** 414, 431 and 400 for requests the codec could not take. */
  public ChannelHandler requestLimits() {
    return new RequestLimits(limits, counters, badRequests, refusal);
  }

  /**
   * The end of a connection pipeline: whatever failure reaches it closes the connection, a reset at
   * debug level, anything else in a rate-limited line, never a stack trace per connection.
   */
  public ChannelHandler lastResort() {
    return lastResort;
  }

  /**
   * A failed TLS handshake: counted in one rate-limited line (and as a header timeout when it took
   * longer than --header-timeout), then closed.
   */
  public void tlsFailed(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof SslHandshakeTimeoutException) {
      counters.timedOut(LimitCounters.Timeout.HEADER);
    }
    connectionErrors.warn(
        "TLS with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  @ChannelHandler.Sharable
  private final class LastResort extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof IOException) {
        log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      } else {
        connectionErrors.warn(
            "connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      }
      ctx.close();
    }
  }
}
