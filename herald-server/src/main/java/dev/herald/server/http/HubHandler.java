package dev.herald.server.http;

import dev.herald.core.HubException;
import dev.herald.server.sse.SseStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection end of the pipeline: refuses requests the decoder could not read or that
 * arrive behind an open stream, dispatches the others through the listener's {@link RouteTable},
 * and turns every typed error into its response. Once a stream is open, the connection belongs
 * to it: writability and closing are handed to the stream.
 *
 * <p>One instance per connection (or per HTTP/2 stream). Runs on the channel's event loop; must
 * not block.
 */
final class HubHandler extends SimpleChannelInboundHandler<FullHttpRequest>
    implements Exchange.StreamSlot {

  private static final Logger log = LoggerFactory.getLogger(HubHandler.class);

  private final RouteTable table;
  private final ProtocolDialects dialects;
  private SseStream stream;

  public HubHandler(HubRoutes routes) {
    this(routes.table(), routes.dialects());
  }

  HubHandler(RouteTable table, ProtocolDialects dialects) {
    this.table = table;
    this.dialects = dialects;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (stream != null) {
      // HTTP/1.1 cannot answer a pipelined request behind an endless response.
      Responses.send(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST,
          "request pipelined behind an open event stream (expected: a new connection)"), false);
      return;
    }
    if (request.decoderResult().isFailure()) {
      Responses.send(ctx,
          HttpError.malformed(request.decoderResult().cause().getMessage()).response(), false);
      return;
    }
    try {
      table.dispatch(new Exchange(ctx, request, this, dialects));
    } catch (HttpError e) {
      Responses.send(ctx, e.response(), HttpUtil.isKeepAlive(request));
    } catch (HubException e) {
      Responses.send(ctx, HttpError.from(e).response(), HttpUtil.isKeepAlive(request));
    }
  }

  @Override
  public void opened(SseStream opened) {
    stream = opened;
  }

  @Override
  public void failed() {
    stream = null;
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
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets by clients that went away are routine for long-lived streams.
    log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
