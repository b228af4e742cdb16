package dev.herald.server.http;

import dev.herald.core.HubException;
import dev.herald.server.sse.SseStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection end of the pipeline: refuses requests the decoder could not read or that
 * arrive behind an open stream, dispatches the others through the listener's {@link RouteTable},
 * and turns every typed error into its response. Once a stream is open, the connection belongs to
 * it: writability and closing are handed to the stream.
 *
 * <p>HTTP/1.1 answers pipelined requests in request order. Publishes ({@code POST}, always answered
 * by one complete response) are dispatched as they are read, up to {@value #MAX_HELD} unanswered,
 * and their answers wait for those of the requests before them: a publisher's pipelined requests
 * then reach the hub together, and a history that stores on another thread commits them as one
 * group. Any other request read while an earlier one waits for its answer (it may open an event
 * stream, whose headers must follow every earlier answer) is held until that answer is written;
 * past {@value #MAX_HELD} held requests the connection stops reading.
 *
 * <p>One instance per connection (or per HTTP/2 stream). Runs on the channel's event loop; must not
 * block.
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

  /** Dispatched requests whose answer is not written yet: at most {@value #MAX_HELD}. */
  private int unanswered;

  /** The order of the next request dispatched, and of the next answer to write. */
  private long nextOrder;

  private long nextToWrite;

  /** Answers that came before those of earlier requests, by order modulo the ring's size. */
  private FullHttpResponse[] early;

  private boolean[] earlyKeepAlive;

  /** The order of the unanswered request that is not a publish (it may open a stream), or -1. */
  private long unansweredOther = -1;

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
      Responses.send(
          ctx,
          HttpError.badRequest(
                  "request pipelined behind an open event stream (expected: a new connection)")
              .response(),
          false);
      return;
    }
    if (!mayDispatchNow(request)) {
      hold(request);
      return;
    }
    handle(request);
  }

  /** In order behind what is held; beside unanswered requests only a publish, and boundedly. */
  private boolean mayDispatchNow(FullHttpRequest request) {
    return (held == null || held.isEmpty()) && mayDispatch(request);
  }

  /**
   * A request goes when nothing waits for an answer, or when it is a publish and so are all the
   * unanswered ones: another request may open a stream, whose headers no answer may pass.
   */
  private boolean mayDispatch(FullHttpRequest request) {
    return unanswered == 0 || (unanswered < MAX_HELD && unansweredOther < 0 && isPublish(request));
  }

  private static boolean isPublish(FullHttpRequest request) {
    return request.method().equals(HttpMethod.POST) && request.decoderResult().isSuccess();
  }

  private void handle(FullHttpRequest request) {
    long order = nextOrder++;
    unanswered++;
    if (!isPublish(request)) {
      unansweredOther = order;
    }
    if (request.decoderResult().isFailure()) {
      respond(
          order,
          HttpError.malformed(request.decoderResult().cause().getMessage()).response(),
          false);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request); // read once: the exchange answers with it
    try {
      table.dispatch(new Exchange(ctx, request, this, order, keepAlive, dialects));
    } catch (HttpError | HubException e) {
      respond(order, HttpError.of(e).response(), keepAlive);
    }
  }

  @Override
  public void respond(long order, FullHttpResponse response, boolean keepAlive) {
    if (closing) {
      response.release(); // after an answer that closes the connection, nothing more is sent
      return;
    }
    if (order != nextToWrite) {
      if (early == null) {
        early = new FullHttpResponse[MAX_HELD];
        earlyKeepAlive = new boolean[MAX_HELD];
      }
      int slot = (int) (order % MAX_HELD);
      early[slot] = response;
      earlyKeepAlive[slot] = keepAlive;
      return;
    }
    write(response, keepAlive);
    while (!closing && early != null && early[(int) (nextToWrite % MAX_HELD)] != null) {
      int slot = (int) (nextToWrite % MAX_HELD);
      FullHttpResponse next = early[slot];
      early[slot] = null;
      write(next, earlyKeepAlive[slot]);
    }
    answered();
  }

  private void write(FullHttpResponse response, boolean keepAlive) {
    if (nextToWrite == unansweredOther) {
      unansweredOther = -1;
    }
    nextToWrite++;
    unanswered--;
    Responses.send(ctx, response, keepAlive);
    if (!keepAlive) {
      closing = true;
      releaseEarly();
    }
  }

  private void releaseEarly() {
    if (early != null) {
      for (int i = 0; i < early.length; i++) {
        if (early[i] != null) {
          early[i].release();
          early[i] = null;
        }
      }
    }
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

  /** Answers were written: the held requests that may go now, go. */
  private void answered() {
    if (closing) {
      releaseHeld(); // the connection closes after this answer: nothing else is answered on it
      return;
    }
    if (releasingHeld) {
      return; // the loop below takes the next one
    }
    releasingHeld = true;
    try {
      while (stream == null
          && held != null
          && !held.isEmpty()
          && ctx.channel().isActive()
          && mayDispatch(held.peek())) {
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
    releaseEarly();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
    releaseEarly();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets by clients that went away are routine for long-lived streams.
    log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
