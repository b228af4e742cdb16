package dev.herald.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * One of the load generator's HTTP/2 connections, cleartext with prior knowledge ({@code h2c}) or
 * TLS with ALPN {@code h2}, over which subscriber streams are opened with {@link
 * Http2StreamChannelBootstrap}. It settles once: <em>ready</em> when the server's first SETTINGS
 * frame arrives (its {@code SETTINGS_MAX_CONCURRENT_STREAMS} is then known), or <em>failed</em> if
 * the TCP connection, the TLS handshake or ALPN does not get that far. Work waiting for it ({@link
 * #whenSettled}) runs then.
 *
 * <p>Pipeline: [tls, alpn →] frame codec, multiplex, this. Runs on the channel's event loop only;
 * must not block.
 */
final class Http2Connection extends ChannelInboundHandlerAdapter {

  static final String TLS = "tls";
  static final String ALPN = "alpn";
  static final String FRAME_CODEC = "h2-frame-codec";
  static final String MULTIPLEX = "h2-multiplex";
  static final String CONNECTION = "h2-connection";

  /** The connection window every HTTP/2 connection starts with (RFC 9113, 6.9.2). */
  private static final int INITIAL_CONNECTION_WINDOW = 65_535;

  /** The hub never opens streams (pushes are disabled); any it tried would be closed at once. */
  private static final ChannelHandler REFUSE_SERVER_STREAMS =
      new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel stream) {
          stream.close();
        }
      };

  private enum State {
    CONNECTING,
    READY,
    FAILED
  }

  private final int window;
  private final List<Runnable> waiting = new ArrayList<>();
  private State state = State.CONNECTING;
  private Channel channel;
  private Long maxConcurrentStreams;
  private String failure;

  /**
   * @param window receive window per stream and for the whole connection, in bytes
   */
  Http2Connection(int window) {
    this.window = window;
  }

  /**
   * A TLS client context offering only {@code h2} by ALPN and <b>trusting any certificate</b>
   * (Netty's {@link InsecureTrustManagerFactory}): the generator only talks to hubs on loopback,
   * typically with a generated development certificate. BoringSSL when its native library loads,
   * the JDK otherwise, as the hub does.
   */
  static SslContext insecureTls() {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(tlsProvider())
          .trustManager(InsecureTrustManagerFactory.INSTANCE)
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_2))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("tls: cannot build the client context: " + e.getMessage(), e);
    }
  }

  static SslProvider tlsProvider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /**
   * The pipeline of a new connection: HTTP/2 at once over cleartext ({@code tls} null), after the
   * TLS handshake and ALPN otherwise.
   */
  ChannelInitializer<Channel> initializer(SslContext tls, String host, int port) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        channel = ch;
        if (tls == null) {
          addHttp2(ch.pipeline());
          return;
        }
        ch.pipeline()
            .addLast(TLS, tls.newHandler(ch.alloc(), host, port))
            .addLast(ALPN, new Alpn());
      }
    };
  }

  private void addHttp2(ChannelPipeline pipeline) {
    pipeline
        .addLast(
            FRAME_CODEC,
            Http2FrameCodecBuilder.forClient()
                .initialSettings(
                    Http2Settings.defaultSettings().initialWindowSize(window).pushEnabled(false))
                .build())
        .addLast(MULTIPLEX, new Http2MultiplexHandler(REFUSE_SERVER_STREAMS))
        .addLast(CONNECTION, this);
  }

  /** Installs HTTP/2 once the handshake chose {@code h2}; anything else fails the connection. */
  private final class Alpn extends ApplicationProtocolNegotiationHandler {
    Alpn() {
      super("none"); // what the handler reports when the hub chose no protocol
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        addHttp2(ctx.pipeline());
      } else {
        fail("alpn: the hub chose " + protocol + " (expected: h2)");
        ctx.close();
      }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      fail("tls: " + cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      fail("closed during the TLS handshake");
      super.channelInactive(ctx);
    }
  }

  // ---- state -----------------------------------------------------------------------------------

  boolean isReady() {
    return state == State.READY;
  }

  boolean isActive() {
    return channel != null && channel.isActive();
  }

  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS once ready; null if it sets no limit. */
  Long maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  /** Why the connection failed, or null. */
  String failure() {
    return failure;
  }

  /** The connection's channel once {@link #initializer} ran, else null. */
  Channel channel() {
    return channel;
  }

  /** Runs {@code task} once the connection is ready or has failed: now if it already has. */
  void whenSettled(Runnable task) {
    if (state == State.CONNECTING) {
      waiting.add(task);
    } else {
      task.run();
    }
  }

  /** Opens a stream whose pipeline is {@code handler}. Only once ready. */
  Future<Http2StreamChannel> open(ChannelHandler handler) {
    return new Http2StreamChannelBootstrap(channel).handler(handler).open();
  }

  /**
   * The connection did not get ready (connect, handshake or ALPN failed, or it closed); no-op once
   * settled.
   */
  void fail(String reason) {
    if (state == State.CONNECTING) {
      failure = reason;
      settle(State.FAILED);
    }
  }

  private void settle(State settled) {
    state = settled;
    List<Runnable> tasks = new ArrayList<>(waiting);
    waiting.clear();
    tasks.forEach(Runnable::run);
  }

  // ---- events from the connection ---------------------------------------------------------------

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // Stream frames went to their streams in the multiplexer: here are SETTINGS, PING, GOAWAY.
    try {
      if (msg instanceof Http2SettingsFrame settings && state == State.CONNECTING) {
        maxConcurrentStreams = settings.settings().maxConcurrentStreams();
        if (window > INITIAL_CONNECTION_WINDOW) {
          // A frame without a stream is for the connection: widen its window as SETTINGS did
          // for each stream's.
          ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(window - INITIAL_CONNECTION_WINDOW));
        }
        settle(State.READY);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail("closed before the hub's SETTINGS arrived");
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause.toString());
    ctx.close();
  }
}
