package dev.herald.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * Builds the HTTP/1.1 pipeline of an accepted connection. Shared by all connections of a
 * listener; Netty calls it on the new channel's event loop.
 */
public final class HttpInitializer extends ChannelInitializer<SocketChannel> {

  private final HubRoutes routes;
  private final CorsConfig cors;

  public HttpInitializer(HubRoutes routes) {
    this.routes = routes;
    this.cors = corsConfig(routes.config().corsOrigins());
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channel.pipeline()
        .addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec())
        .addLast(PipelineNames.KEEP_ALIVE, new HttpServerKeepAliveHandler())
        .addLast(PipelineNames.AGGREGATOR, new ReasonedAggregator(routes.config().maxBody()))
        .addLast(PipelineNames.CORS, new CorsHandler(cors))
        .addLast(PipelineNames.ROUTER, new HubHandler(routes));
  }

  /**
   * Browsers may call the hub from other origins: an {@code EventSource} with credentials (so
   * {@code *} echoes the caller's origin rather than sending a literal star) and publishes with an
   * {@code Authorization} header, which need a preflight.
   */
  static CorsConfig corsConfig(List<String> origins) {
    CorsConfigBuilder builder;
    if (origins.contains("*")) {
      builder = CorsConfigBuilder.forAnyOrigin();
    } else if (origins.isEmpty()) {
      builder = CorsConfigBuilder.forOrigins().disable();
    } else {
      builder = CorsConfigBuilder.forOrigins(origins.toArray(String[]::new));
    }
    return builder
        .allowCredentials()
        .allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS)
        .allowedRequestHeaders("authorization", "cache-control", "last-event-id", "content-type")
        .exposeHeaders("last-event-id", "link")
        .maxAge(600)
        .build();
  }

  /** Answers an oversized publish with 413 and a reason instead of an empty body. */
  private static final class ReasonedAggregator extends HttpObjectAggregator {
    ReasonedAggregator(int maxContentLength) {
      super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      FullHttpResponse response = Responses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "body larger than " + maxContentLength() + " bytes (expected: at most --max-body)");
      // The rest of the body is still on its way, so the connection cannot be reused.
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
