package dev.herald.server.http;

import dev.herald.server.Limits;
import dev.herald.server.limits.FrontDoor;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Builds connection pipelines. HTTP/1.1 connections and HTTP/2 streams end in the same handlers
 * ({@link HubHandler} behind an aggregator and CORS): each HTTP/2 stream is a child channel with
 * its own flow-controlled writability, converted to HTTP/1.1 objects, so one slow stream cannot
 * stall the others on its connection.
 *
 * <p>Immutable; the initializers it returns are shared by every connection of a listener.
 */
public final class HttpPipelines {

  private final HubRoutes routes;
  private final FrontDoor frontDoor;
  private final CorsConfig cors;

  public HttpPipelines(HubRoutes routes, FrontDoor frontDoor) {
    this.routes = routes;
    this.frontDoor = frontDoor;
    this.cors = corsConfig(routes.config().corsOrigins());
  }

  /** Plain listeners: HTTP/1.1, HTTP/2 with prior knowledge, and {@code Upgrade: h2c}. */
  public ChannelInitializer<Channel> cleartext() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel channel) {
        HttpServerCodec http1 = http1Codec();
        int maxBody = routes.config().maxBody();
        // Clients such as the JDK's try the h2c upgrade on a POST too, with its body aggregated
        // here.
        HttpServerUpgradeHandler upgrade =
            new HttpServerUpgradeHandler(
                http1,
                protocol ->
                    AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(
                            frameCodec(), frontDoor.http2Deadlines(), multiplex())
                        : null,
                maxBody) {
              @Override
              protected void handleOversizedMessage(
                  ChannelHandlerContext ctx, HttpMessage oversized) {
                rejectOversized(ctx, maxBody);
              }
            };
        ChannelInitializer<Channel> priorKnowledge =
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ChannelPipeline pipeline = ch.pipeline();
                for (String http1Only :
                    List.of(
                        PipelineNames.DEADLINES,
                        PipelineNames.REQUEST_LIMITS,
                        PipelineNames.HTTP1_FALLBACK,
                        PipelineNames.LAST_RESORT)) {
                  if (pipeline.get(http1Only) != null) {
                    pipeline.remove(http1Only);
                  }
                }
                addHttp2(pipeline);
              }
            };
        channel
            .pipeline()
            .addLast(PipelineNames.FLUSH_CONSOLIDATION, flushConsolidation())
            .addLast(
                PipelineNames.CLEARTEXT_UPGRADE,
                new CleartextHttp2ServerUpgradeHandler(http1, upgrade, priorKnowledge))
            .addLast(PipelineNames.DEADLINES, frontDoor.connectionDeadlines())
            .addLast(PipelineNames.REQUEST_LIMITS, frontDoor.requestLimits())
            .addLast(PipelineNames.HTTP1_FALLBACK, new Http1Fallback())
            .addLast(PipelineNames.LAST_RESORT, frontDoor.lastResort());
      }
    };
  }

  /** TLS listeners: ALPN picks {@code h2}, or {@code http/1.1} for clients without HTTP/2. */
  public ChannelInitializer<Channel> tls(SslContext sslContext) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel channel) {
        SslHandler tls = sslContext.newHandler(channel.alloc());
        // The handshake is part of the time a client has to send its request head.
        tls.setHandshakeTimeoutMillis(frontDoor.limits().headerTimeout().toMillis());
        channel
            .pipeline()
            .addLast(PipelineNames.TLS, tls)
            .addLast(PipelineNames.FLUSH_CONSOLIDATION, flushConsolidation())
            .addLast(
                PipelineNames.ALPN,
                new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                  @Override
                  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    ChannelPipeline pipeline = ctx.pipeline();
                    pipeline.remove(PipelineNames.LAST_RESORT); // it goes last again below
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                      addHttp2(pipeline);
                    } else {
                      pipeline
                          .addLast(PipelineNames.HTTP_CODEC, http1Codec())
                          .addLast(PipelineNames.DEADLINES, frontDoor.connectionDeadlines())
                          .addLast(PipelineNames.REQUEST_LIMITS, frontDoor.requestLimits());
                      addHttp1(pipeline);
                    }
                  }

                  @Override
                  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                    frontDoor.tlsFailed(ctx, cause);
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    frontDoor.tlsFailed(ctx, cause);
                  }
                })
            .addLast(PipelineNames.LAST_RESORT, frontDoor.lastResort());
      }
    };
  }

  /** After the codec, the deadlines and the request limits: the handlers that answer requests. */
  private void addHttp1(ChannelPipeline pipeline) {
    if (pipeline.get(PipelineNames.LAST_RESORT) != null) {
      pipeline.remove(PipelineNames.LAST_RESORT);
    }
    pipeline
        .addLast(PipelineNames.KEEP_ALIVE, new HttpServerKeepAliveHandler())
        .addLast(PipelineNames.AGGREGATOR, new ReasonedAggregator(routes.config().maxBody()))
        .addLast(PipelineNames.CORS, new CorsHandler(cors))
        .addLast(PipelineNames.ROUTER, new HubHandler(routes))
        .addLast(PipelineNames.LAST_RESORT, frontDoor.lastResort());
  }

  private void addHttp2(ChannelPipeline pipeline) {
    pipeline
        .addLast(PipelineNames.HTTP2_FRAME_CODEC, frameCodec())
        .addLast(PipelineNames.HTTP2_DEADLINES, frontDoor.http2Deadlines())
        .addLast(PipelineNames.HTTP2_MULTIPLEX, multiplex())
        .addLast(PipelineNames.LAST_RESORT, frontDoor.lastResort());
  }

  /**
   * Holds the flushes of responses written while a read is in progress until the read is complete:
   * a publisher's pipelined requests, read together, are answered in one send instead of one per
   * response (on loopback a send costs more than the rest of a publish). Flushes outside a read go
   * out at once: an HTTP/2 connection keeps the handler while its streams write events, which must
   * never wait for a read.
   */
  static FlushConsolidationHandler flushConsolidation() {
    return new FlushConsolidationHandler(
        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false);
  }

  private HttpServerCodec http1Codec() {
    Limits limits = frontDoor.limits();
    return new HttpServerCodec(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(limits.maxRequestLine())
            .setMaxHeaderSize(limits.maxHeaderBlock()));
  }

  private Http2FrameCodec frameCodec() {
    Limits limits = frontDoor.limits();
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(
            Http2Settings.defaultSettings()
                .maxConcurrentStreams(routes.config().maxConcurrentStreams())
                // The path is a header in HTTP/2: the request line's allowance comes on top.
                .maxHeaderListSize((long) limits.maxRequestLine() + limits.maxHeaderBlock()))
        // GOAWAY, then let open streams finish within the grace period before the connection closes
        .gracefulShutdownTimeoutMillis(routes.config().shutdownGrace().toMillis())
        .build();
  }

  private ChannelHandler multiplex() {
    return new Http2MultiplexHandler(
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel stream) {
            stream
                .pipeline()
                .addLast(
                    PipelineNames.HTTP2_STREAM_CODEC, new Http2StreamFrameToHttpObjectCodec(true))
                .addLast(PipelineNames.DEADLINES, frontDoor.streamDeadlines())
                .addLast(PipelineNames.REQUEST_LIMITS, frontDoor.requestLimits())
                .addLast(
                    PipelineNames.AGGREGATOR, new ReasonedAggregator(routes.config().maxBody()))
                .addLast(PipelineNames.CORS, new CorsHandler(cors))
                .addLast(PipelineNames.ROUTER, new HubHandler(routes));
          }
        });
  }

  /**
   * Installs the HTTP/1.1 handlers when the first request on a plain connection turns out to be
   * neither HTTP/2 with prior knowledge nor an h2c upgrade.
   */
  private final class Http1Fallback extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpMessage) {
        ChannelPipeline pipeline = ctx.pipeline();
        addHttp1(pipeline);
        pipeline.remove(this);
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * Browsers may call the hub from other origins: an {@code EventSource} with credentials (so
   * {@code *} echoes the caller's origin rather than sending a literal star) and publishes with an
   * {@code Authorization} header, which need a preflight. A browser publisher may continue its
   * trace ({@code traceparent}) and read the sampled publish's {@code traceresponse}.
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
        .allowedRequestMethods(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.OPTIONS)
        .allowedRequestHeaders(
            "authorization",
            "cache-control",
            "last-event-id",
            "content-type",
            "traceparent",
            "tracestate")
        .exposeHeaders("last-event-id", "mercure-last-event-id", "link", "traceresponse")
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
      rejectOversized(ctx, maxContentLength());
    }
  }

  private static void rejectOversized(ChannelHandlerContext ctx, int maxBody) {
    FullHttpResponse response =
        HttpError.refusal(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "body larger than " + maxBody + " bytes (expected: at most --max-body)");
    // The rest of the body is still on its way, so the connection cannot be reused.
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
