package dev.herald.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.Limits;
import dev.herald.server.http.HttpError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The header, body and idle timeouts of an HTTP/1.1 connection, on simulated time: each fires at
 * its exact instant (not a nanosecond before), answers with the exact bytes, and is counted.
 */
class RequestDeadlinesTest {

  private static final Limits LIMITS =
      Limits.DEFAULTS
          .withHeaderTimeout(Duration.ofSeconds(10))
          .withBodyTimeout(Duration.ofSeconds(30))
          .withIdleTimeout(Duration.ofSeconds(60));

  private final LimitCounters counters = new LimitCounters();
  private final List<FullHttpRequest> answerLater = new ArrayList<>();
  private boolean answerAtOnce = true;
  private EmbeddedChannel channel;

  @AfterEach
  void release() {
    answerLater.forEach(FullHttpRequest::release);
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private EmbeddedChannel connect() {
    channel = new EmbeddedChannel();
    channel.freezeTime();
    channel
        .pipeline()
        .addLast(new HttpServerCodec())
        .addLast(RequestDeadlines.forConnection(LIMITS, counters, HttpError::refusal))
        .addLast(new HttpObjectAggregator(1024))
        .addLast(
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                if (!answerAtOnce) {
                  answerLater.add(request.retain());
                  return;
                }
                FullHttpResponse ok =
                    new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                ok.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                ctx.writeAndFlush(ok);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // as the router does: a body cut off by the close is no news
              }
            });
    return channel;
  }

  private void send(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  private void advance(Duration by) {
    channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    channel.runPendingTasks();
  }

  private String written() {
    StringBuilder out = new StringBuilder();
    for (Object message; (message = channel.readOutbound()) != null; ) {
      ByteBuf bytes = (ByteBuf) message;
      out.append(bytes.toString(StandardCharsets.UTF_8));
      bytes.release();
    }
    return out.toString();
  }

  @Test
  void halfARequestLineGets408AtTheHeaderTimeout() {
    connect();
    send("GET /.well-known/mercure?topic=a HT");
    advance(Duration.ofSeconds(10).minusNanos(1));
    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isTrue();

    advance(Duration.ofNanos(1));
    String reason =
        "request head not complete within 10000 ms of the connection"
            + " (expected: within --header-timeout)\n";
    assertThat(written())
        .isEqualTo(
            "HTTP/1.1 408 Request Timeout\r\n"
                + "content-type: text/plain; charset=utf-8\r\n"
                + "content-length: "
                + reason.length()
                + "\r\n"
                + "connection: close\r\n\r\n"
                + reason);
    assertThat(channel.isOpen()).isFalse();
    assertThat(counters.timeouts(LimitCounters.Timeout.HEADER)).isEqualTo(1);
  }

  @Test
  void aConnectionThatSendsNothingGets408AtTheHeaderTimeoutToo() {
    connect();
    advance(Duration.ofSeconds(10));
    assertThat(written()).startsWith("HTTP/1.1 408 Request Timeout\r\n");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aSlowBodyGets408AtTheBodyTimeoutCountedFromItsHead() {
    connect();
    advance(Duration.ofSeconds(9)); // the head arrives just within the header timeout
    send("POST /.well-known/mercure HTTP/1.1\r\nhost: hub\r\ncontent-length: 10\r\n\r\nabc");
    advance(Duration.ofSeconds(30).minusNanos(1));
    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isTrue();

    advance(Duration.ofNanos(1));
    assertThat(written())
        .startsWith("HTTP/1.1 408 Request Timeout\r\n")
        .endsWith(
            "\r\n\r\nrequest body not complete within 30000 ms of its head"
                + " (expected: within --body-timeout)\n");
    assertThat(channel.isOpen()).isFalse();
    assertThat(counters.timeouts(LimitCounters.Timeout.BODY)).isEqualTo(1);
    assertThat(counters.timeouts(LimitCounters.Timeout.HEADER)).isZero();
  }

  @Test
  void aKeptAliveConnectionIsClosedSilentlyAtTheIdleTimeoutAfterItsLastResponse() {
    connect();
    send("GET /healthz HTTP/1.1\r\nhost: hub\r\n\r\n");
    assertThat(written()).startsWith("HTTP/1.1 200 OK\r\n");
    advance(Duration.ofSeconds(60).minusNanos(1));
    assertThat(channel.isOpen()).isTrue();

    advance(Duration.ofNanos(1));
    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(counters.timeouts(LimitCounters.Timeout.IDLE)).isEqualTo(1);
  }

  @Test
  void aNewRequestStopsTheIdleClockAndItsAnswerRestartsIt() {
    connect();
    send("GET /healthz HTTP/1.1\r\nhost: hub\r\n\r\n");
    advance(Duration.ofSeconds(59));
    send("GET /healthz HTTP/1.1\r\nhost: hub\r\n\r\n");
    assertThat(written()).contains("200 OK").contains("200 OK");
    advance(Duration.ofSeconds(59));
    assertThat(channel.isOpen()).isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void noClockRunsWhileARequestIsBeingAnswered() {
    answerAtOnce = false;
    connect();
    send("GET /.well-known/mercure?topic=a HTTP/1.1\r\nhost: hub\r\n\r\n");
    advance(Duration.ofHours(1));
    assertThat(channel.isOpen()).isTrue();
    assertThat(written()).isEmpty();
    assertThat(counters.timeouts(LimitCounters.Timeout.HEADER)).isZero();
  }
}
