package dev.herald.server.http;

import dev.herald.core.HubException;
import dev.herald.server.sse.SseStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection end of the pipeline: refuses requests the decoder could not read or that
 * arrive behind an open stream, dispatches the others through the listener's {@link RouteTable},
 * and turns every typed error into its response. Once a stream is open, the connection belongs
 * to it: writability and closing are handed to the stream.
 *
 * <p>HTTP/1.1 answers pipelined requests in request order, so a request that arrives while an
 * earlier one still waits for its answer (a publish stored by a blocking history) is held until
 * that answer is written; past {@value #MAX_HELD} held requests the connection stops reading.
 *
 * <p>One instance per connection (or per HTTP/2 stream). Runs on the channel's event loop; must
 * not block.
 */
final class HubHandler extends SimpleChannelInboundHandler<FullHttpRequest>
    implements Exchange.StreamSlot {

  private static final Logger log = LoggerFactory.getLogger(HubHandler.class);

  /** Requests held behind an unanswered one before the connection stops reading. */
  static final int MAX_HELD = 16;

  private final RouteTable table;
  private final ProtocolDialects dialects;
  private SseStream stream;
  private ChannelHandlerContext ctx;
  /** Dispatched requests whose answer is not written yet: 0 or 1. */
  private int unanswered;
  /** Requests pipelined behind the unanswered one, retained; created on first use. */
  private ArrayDeque<FullHttpRequest> held;
  private boolean releasingHeld;
  /** Whether this handler stopped the connection's reads (and so must restart them). */
  private boolean pausedReads;
  /** An answer said {@code Connection: close}: the connection ends, nothing more is answered. */
  private boolean closing;

  public HubHandler(HubRoutes routes) {
    this(routes.table(), routes.dialects());
  }

  HubHandler(RouteTable table, ProtocolDialects dialects) {
    this.table = table;
    this.dialects = dialects;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (closing) {
      return; // read after an answer that closes the connection, before the close took effect
    }
    if (stream != null) {
      // HTTP/1.1 cannot answer a pipelined request behind an endless response.
      Responses.send(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST,
          "request pipelined behind an open event stream (expected: a new connection)"), false);
      return;
    }
    if (unanswered > 0) {
      hold(request);
      return;
    }
    handle(request);
  }

  private void handle(FullHttpRequest request) {
    unanswered++;
    if (request.decoderResult().isFailure()) {
      answer(HttpError.malformed(request.decoderResult().cause().getMessage()).response(), false);
      return;
    }
    try {
      table.dispatch(new Exchange(ctx, request, this, dialects));
    } catch (HttpError e) {
      answer(e.response(), HttpUtil.isKeepAlive(request));
    } catch (HubException e) {
      answer(HttpError.from(e).response(), HttpUtil.isKeepAlive(request));
    }
  }

  private void answer(FullHttpResponse response, boolean keepAlive) {
    Responses.send(ctx, response, keepAlive);
    answered(keepAlive);
  }

  private void hold(FullHttpRequest request) {
    if (held == null) {
      held = new ArrayDeque<>();
    }
    held.add(request.retain());
    if (held.size() >= MAX_HELD && !pausedReads) {
      pausedReads = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** An answer was written: the next held request, if any, goes next. */
  @Override
  public void answered(boolean keepAlive) {
    unanswered--;
    if (!keepAlive) {
      closing = true;
      releaseHeld(); // the connection closes after this answer: nothing else is answered on it
      return;
    }
    if (releasingHeld) {
      return; // the loop below takes the next one
    }
    releasingHeld = true;
    try {
      while (unanswered == 0 && stream == null && held != null && !held.isEmpty()
          && ctx.channel().isActive()) {
        FullHttpRequest next = held.poll();
        try {
          handle(next);
        } finally {
          next.release();
        }
      }
      if (pausedReads && held.size() < MAX_HELD) {
        pausedReads = false;
        ctx.channel().config().setAutoRead(true);
      }
    } finally {
      releasingHeld = false;
    }
  }

  @Override
  public void opened(SseStream opened) {
    stream = opened;
  }

  @Override
  public void failed() {
    stream = null;
    releaseHeld(); // the connection closes after the stream's error
  }

  private void releaseHeld() {
    if (held != null) {
      held.forEach(FullHttpRequest::release);
      held.clear();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (stream != null && ctx.channel().isWritable()) {
      stream.drain();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (stream != null) {
      stream.closeQuietly();
      stream = null;
    }
    releaseHeld();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets by clients that went away are routine for long-lived streams.
    log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
