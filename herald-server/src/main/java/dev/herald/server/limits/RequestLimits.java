package dev.herald.server.limits;

import dev.herald.core.RateLimitedLog;
import dev.herald.server.Limits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request the codec could not take: {@code 414} for a request line over
 * --max-request-line, {@code 431} for a header block over --max-header-block, {@code 400} for
 * anything else malformed; each with its reason, counted, and logged at most once per interval. On
 * an HTTP/2 stream the path is a header, so the whole header list is bounded by the frame codec
 * (which answers {@code 431}) and the path alone is checked here.
 *
 * <p>One instance per connection or HTTP/2 stream; runs on its event loop.
 */
final class RequestLimits extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(RequestLimits.class);

  private final int maxRequestLine;
  private final int maxHeaderBlock;
  private final LimitCounters counters;
  private final RateLimitedLog badRequests;
  private final Refusal refusal;

  RequestLimits(
      Limits limits, LimitCounters counters, RateLimitedLog badRequests, Refusal refusal) {
    this.refusal = refusal;
    this.maxRequestLine = limits.maxRequestLine();
    this.maxHeaderBlock = limits.maxHeaderBlock();
    this.counters = counters;
    this.badRequests = badRequests;
  }

  /** The log every connection's bad requests share. */
  static RateLimitedLog newLog() {
    return new RateLimitedLog(log);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      if (cause instanceof TooLongHttpLineException) {
        reject(
            ctx,
            msg,
            HttpResponseStatus.REQUEST_URI_TOO_LONG,
            LimitCounters.Rejection.REQUEST_LINE,
            "request line longer than "
                + maxRequestLine
                + " bytes (expected: at most"
                + " --max-request-line; put fewer or shorter topics in one subscription)");
      } else if (cause instanceof TooLongHttpHeaderException) {
        reject(
            ctx,
            msg,
            HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            LimitCounters.Rejection.HEADER_BLOCK,
            "header block larger than "
                + maxHeaderBlock
                + " bytes (expected: at most --max-header-block)");
      } else {
        reject(
            ctx,
            msg,
            HttpResponseStatus.BAD_REQUEST,
            LimitCounters.Rejection.MALFORMED,
            "malformed request: " + cause.getMessage());
      }
    } else if (request.uri().length() > maxRequestLine) {
      reject(
          ctx,
          msg,
          HttpResponseStatus.REQUEST_URI_TOO_LONG,
          LimitCounters.Rejection.REQUEST_LINE,
          "request target of "
              + request.uri().length()
              + " characters (expected: at most "
              + maxRequestLine
              + ", --max-request-line)");
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void reject(
      ChannelHandlerContext ctx,
      Object msg,
      HttpResponseStatus status,
      LimitCounters.Rejection reason,
      String message) {
    ReferenceCountUtil.release(msg);
    counters.rejected(reason);
    badRequests.warn(
        "bad request from {}: {} {}", ctx.channel().remoteAddress(), status.code(), message);
    Answers.sendAndClose(ctx, refusal.response(status, message));
  }
}
