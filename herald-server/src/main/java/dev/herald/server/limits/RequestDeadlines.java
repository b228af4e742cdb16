package dev.herald.server.limits;

import dev.herald.server.Limits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import java.util.concurrent.TimeUnit;

/**
 * The clock of one HTTP/1.1 connection (or one HTTP/2 stream), one timer at a time:
 *
 * <ul>
 *   <li>from accept to a complete request head: --header-timeout, then {@code 408} and close;
 *   <li>from a request head to the end of its body: --body-timeout, then {@code 408} and close;
 *   <li>from the end of a response to the next request: --idle-timeout, then close. The next
 *       request's head must also be complete by then.
 * </ul>
 *
 * <p>While a request is being answered, no timer runs; once an event stream takes the connection
 * over, this handler is removed with the other request-side handlers, so a stream is never timed
 * out here (its own heartbeats and lifetime are the stream's business). After an h2c upgrade or
 * prior-knowledge HTTP/2, it removes itself: {@link Http2Deadlines} takes over the connection.
 *
 * <p>One instance per connection or stream; runs on its event loop, with the loop's own timers, so
 * tests drive it with simulated time.
 */
final class RequestDeadlines extends Deadline {

  private final long headerNanos; // 0: the head is already there (an HTTP/2 stream)
  private final long bodyNanos;
  private final long idleNanos; // 0: one request only (an HTTP/2 stream)
  private final Refusal refusal;
  private boolean started;
  private int answering; // requests read and not answered yet (HTTP/1.1 may pipeline)

  private RequestDeadlines(
      long headerNanos, long bodyNanos, long idleNanos, LimitCounters counters, Refusal refusal) {
    super(counters);
    this.refusal = refusal;
    this.headerNanos = headerNanos;
    this.bodyNanos = bodyNanos;
    this.idleNanos = idleNanos;
  }

  /** For an HTTP/1.1 connection: header, body and idle timeouts. */
  static RequestDeadlines forConnection(Limits limits, LimitCounters counters, Refusal refusal) {
    return new RequestDeadlines(
        limits.headerTimeout().toNanos(),
        limits.bodyTimeout().toNanos(),
        limits.idleTimeout().toNanos(),
        counters,
        refusal);
  }

  /** For an HTTP/2 stream, whose head arrives whole: the body timeout only. */
  static RequestDeadlines forStream(Limits limits, LimitCounters counters, Refusal refusal) {
    return new RequestDeadlines(0, limits.bodyTimeout().toNanos(), 0, counters, refusal);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (!started) {
      started = true;
      if (headerNanos > 0) {
        arm(ctx, LimitCounters.Timeout.HEADER, headerNanos);
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      cancel();
      answering++;
      if (!(msg instanceof LastHttpContent)) {
        arm(ctx, LimitCounters.Timeout.BODY, bodyNanos);
      }
    } else if (msg instanceof LastHttpContent) {
      cancel(); // the body is complete: answering it takes as long as it takes
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent && answering > 0) {
      if (--answering == 0 && idleNanos > 0 && !armed()) {
        arm(ctx, LimitCounters.Timeout.IDLE, idleNanos);
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent
        || evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent) {
      ctx.pipeline().remove(this); // HTTP/2 now: Http2Deadlines keeps the connection's time
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  void expire(ChannelHandlerContext ctx, LimitCounters.Timeout phase) {
    switch (phase) {
      case HEADER ->
          Answers.sendAndClose(
              ctx,
              refusal.response(
                  HttpResponseStatus.REQUEST_TIMEOUT,
                  "request head not complete within "
                      + millis(headerNanos)
                      + " ms of the connection (expected: within --header-timeout)"));
      case BODY ->
          Answers.sendAndClose(
              ctx,
              refusal.response(
                  HttpResponseStatus.REQUEST_TIMEOUT,
                  "request body not complete within "
                      + millis(bodyNanos)
                      + " ms of its head (expected: within --body-timeout)"));
      case IDLE -> ctx.close();
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
