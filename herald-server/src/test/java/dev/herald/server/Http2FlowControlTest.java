package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two event streams on one HTTP/2 connection: the client stops reading one of them, whose flow
 * control window then fills, and the other keeps receiving every event.
 */
class Http2FlowControlTest extends ServerTestBase {

  private static final int EVENTS = 200;
  private static final String PAYLOAD = "x".repeat(2_000);

  /**
   * Counts the events ("data:" lines) a stream receives. A line may be split between two DATA
   * frames (where the flow-control window ends), so the tail of the previous frame is kept: it is
   * shorter than the marker, so no marker is counted twice.
   */
  private static final class EventCounter extends SimpleChannelInboundHandler<Http2StreamFrame> {
    private static final String MARKER = "data: x";
    final AtomicInteger events = new AtomicInteger();
    private String carry = "";

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      if (frame instanceof Http2DataFrame data) {
        ByteBuf content = data.content();
        String text = carry + content.toString(StandardCharsets.UTF_8);
        int from = 0;
        while ((from = text.indexOf(MARKER, from)) >= 0) {
          events.incrementAndGet();
          from++;
        }
        carry = text.substring(Math.max(0, text.length() - (MARKER.length() - 1)));
      }
    }
  }

  @Test
  void aStalledStreamDoesNotStallItsNeighbour() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel connection =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(
                              Http2FrameCodecBuilder.forClient()
                                  .initialSettings(
                                      Http2Settings.defaultSettings().initialWindowSize(16 * 1024))
                                  .build(),
                              new Http2MultiplexHandler(
                                  new SimpleChannelInboundHandler<Object>() {
                                    @Override
                                    protected void channelRead0(
                                        ChannelHandlerContext ctx, Object msg) {}
                                  }));
                    }
                  })
              .connect("127.0.0.1", server.port())
              .sync()
              .channel();

      EventCounter stalled = new EventCounter();
      EventCounter reading = new EventCounter();
      Http2StreamChannel slow = open(connection, "slow", stalled, false);
      open(connection, "fast", reading, true);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 2);

      for (int i = 0; i < EVENTS; i++) {
        publishOk("topic=slow&topic=fast&data=" + PAYLOAD);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> reading.events.get() == EVENTS);
      assertThat(stalled.events.get())
          .as("the stalled stream got at most its window")
          .isLessThan(EVENTS);

      slow.config().setAutoRead(true); // reading again drains what waited for it, nothing lost
      slow.read();
      await().atMost(Duration.ofSeconds(20)).until(() -> stalled.events.get() == EVENTS);
      connection.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }

  private static Http2StreamChannel open(
      Channel connection, String topic, EventCounter counter, boolean autoRead)
      throws InterruptedException {
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(connection)
            .option(ChannelOption.AUTO_READ, autoRead)
            .handler(counter)
            .open()
            .sync()
            .getNow();
    stream
        .writeAndFlush(
            new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                    .method("GET")
                    .scheme("http")
                    .authority("127.0.0.1")
                    .path("/.well-known/mercure?topic=" + topic),
                true))
        .sync();
    return stream;
  }
}
