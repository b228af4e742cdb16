package dev.herald.server.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.Limits;
import dev.herald.server.ServerConfig;
import dev.herald.server.http.SubscriptionFormats;
import dev.herald.server.metrics.LatencyRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats, lifetimes and token-expiry closes of one event stream on simulated time, with the
 * per-stream draw fixed by the test: each happens at its exact instant, and an interval drawn once
 * per stream keeps streams opened together apart for good.
 */
class StreamTimersTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final String HEARTBEAT_CHUNK = "00000003\r\n:\n\n\r\n";
  private static final String LAST_CHUNK = "0\r\n\r\n";

  private final Hub hub = new Hub(HubConfig.DEFAULTS);
  private EmbeddedChannel channel;

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    hub.close();
  }

  /** A stream whose draws are {@code draw(bound)}; its response head and greeting are read. */
  private EmbeddedChannel open(StreamTimers timers, Instant expiresAt) {
    channel = new EmbeddedChannel();
    channel.freezeTime();
    AtomicReference<ChannelHandlerContext> handler = new AtomicReference<>();
    channel
        .pipeline()
        .addLast(new HttpServerCodec())
        .addLast(
            new ChannelHandlerAdapter() {
              @Override
              public void handlerAdded(ChannelHandlerContext ctx) {
                handler.set(ctx);
              }
            });
    SseStream.Options options =
        new SseStream.Options(
            "Last-Event-ID",
            expiresAt,
            timers,
            ":\n\n".getBytes(),
            new DefaultHttpHeaders(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            new OpenStreams(),
            LatencyRecorder.NONE,
            () -> {},
            false);
    SseStream stream =
        new SseStream(
            handler.get(),
            hub,
            (loop, wakeup) ->
                hub.newSubscriberOf(
                    List.of(TopicSelector.of("https://example.com/a")),
                    List.of(),
                    Collections.singletonList(null),
                    SubscriptionFormats.DRAFT_07,
                    loop,
                    wakeup),
            options);
    // As the edge does: the stream starts on its loop once the hub has registered it.
    hub.subscribe(stream.subscriber(), null)
        .thenAccept(
            subscription -> handler.get().executor().execute(() -> stream.start(subscription)));
    // Registration completes on the dispatcher thread, which hands the rest to the event loop.
    await().until(channel::hasPendingTasks);
    channel.runPendingTasks();
    assertThat(written()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("00000003\r\n:\n\n\r\n");
    return channel;
  }

  private static StreamTimers timers(
      Duration heartbeat, Duration lifetime, LongUnaryOperator draw) {
    return new StreamTimers(heartbeat, lifetime, Duration.ofSeconds(30), draw);
  }

  private void advance(Duration by) {
    channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
    channel.runPendingTasks();
  }

  private String written() {
    StringBuilder out = new StringBuilder();
    for (Object message; (message = channel.readOutbound()) != null; ) {
      if (message instanceof ByteBuf bytes) {
        out.append(bytes.toString(StandardCharsets.UTF_8));
        bytes.release();
      }
    }
    return out.toString();
  }

  @Test
  void anIdleStreamBeatsEveryIntervalDrawnForItNotAtTheConfiguredOne() {
    // Drawn 2 s short of 40 s: the old timer fired at 38 s, found 38 s idle and waited 2 s more,
    // so every stream beat at 40 s, 80 s... together.
    open(
        timers(Duration.ofSeconds(40), Duration.ZERO, bound -> Duration.ofSeconds(2).toNanos()),
        null);
    advance(Duration.ofSeconds(38).minusNanos(1));
    assertThat(written()).isEmpty();
    advance(Duration.ofNanos(1));
    assertThat(written()).isEqualTo(HEARTBEAT_CHUNK);
    advance(Duration.ofSeconds(38).minusNanos(1));
    assertThat(written()).isEmpty();
    advance(Duration.ofNanos(1));
    assertThat(written()).isEqualTo(HEARTBEAT_CHUNK);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void theDrawIsATenthOfTheIntervalAtMost() {
    AtomicReference<Long> bound = new AtomicReference<>();
    open(
        timers(
            Duration.ofSeconds(40),
            Duration.ZERO,
            b -> {
              bound.set(b);
              return b - 1;
            }),
        null);
    assertThat(bound.get()).isEqualTo(Duration.ofSeconds(4).toNanos());
    advance(Duration.ofSeconds(36));
    assertThat(written()).isEmpty();
    advance(Duration.ofNanos(1));
    assertThat(written()).isEqualTo(HEARTBEAT_CHUNK);
  }

  @Test
  void aStreamEndsAtItsDrawnLifetime() {
    open(
        timers(Duration.ZERO, Duration.ofMinutes(10), bound -> Duration.ofSeconds(25).toNanos()),
        null);
    advance(Duration.ofSeconds(575).minusNanos(1));
    assertThat(channel.isOpen()).isTrue();
    advance(Duration.ofNanos(1));
    assertThat(written()).isEqualTo(LAST_CHUNK);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void anExpiringTokenClosesItsStreamWithinAWindowBeforeExp() {
    // 100 s left: the window is a tenth of that, 10 s (under the 30 s spread); 4 s drawn.
    open(
        timers(
            Duration.ZERO,
            Duration.ZERO,
            bound -> {
              assertThat(bound).isEqualTo(Duration.ofSeconds(10).toNanos());
              return Duration.ofSeconds(4).toNanos();
            }),
        NOW.plusSeconds(100));
    advance(Duration.ofSeconds(72).minusNanos(1));
    assertThat(written()).isEmpty();
    advance(Duration.ofNanos(1));
    assertThat(written())
        .as("the renewal notice a quarter of the remaining 96 s ahead of the close")
        .isEqualTo(chunk("event: herald-renew\ndata: {\"closes_in_ms\":24000}\n\n"));
    advance(Duration.ofSeconds(24).minusNanos(1));
    assertThat(channel.isOpen()).isTrue();
    advance(Duration.ofNanos(1));
    assertThat(written()).isEqualTo(LAST_CHUNK);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void theRenewalNoticeComesAtMost30SecondsAheadOfTheClose() {
    StreamTimers timers = timers(Duration.ZERO, Duration.ZERO, bound -> 0);
    long hour = Duration.ofHours(1).toNanos();
    assertThat(timers.renewalDelayNanos(hour)).isEqualTo(hour - Duration.ofSeconds(30).toNanos());
    assertThat(timers.renewalDelayNanos(Duration.ofSeconds(4).toNanos()))
        .isEqualTo(Duration.ofSeconds(3).toNanos());
  }

  @Test
  void aStreamWithoutExpiryGetsNoRenewalNotice() {
    open(timers(Duration.ZERO, Duration.ZERO, bound -> 0), null);
    advance(Duration.ofDays(1));
    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isTrue();
  }

  /** One chunk of the chunked response, as the codec writes it. */
  private static String chunk(String text) {
    return String.format("%08x", text.length()) + "\r\n" + text + "\r\n";
  }

  @Test
  void aServersStreamsGetItsConfiguredHeartbeatLifetimeAndSpread() {
    ServerConfig config =
        ServerConfig.builder()
            .heartbeat(Duration.ofMillis(200))
            .limits(Limits.DEFAULTS.withMaxStreamLifetime(Duration.ofMinutes(7)))
            .build();
    StreamTimers timers = StreamTimers.of(config);
    assertThat(timers.heartbeat()).isEqualTo(Duration.ofMillis(200));
    assertThat(timers.maxLifetime()).isEqualTo(Duration.ofMinutes(7));
    assertThat(timers.expirySpread()).isEqualTo(Limits.DEFAULTS.expirySpread());
  }

  @Test
  void theExpiryWindowIsCappedBySpread() {
    StreamTimers timers = timers(Duration.ZERO, Duration.ZERO, bound -> bound - 1);
    long hour = Duration.ofHours(1).toNanos();
    assertThat(timers.expiryDelayNanos(hour))
        .isEqualTo(hour - Duration.ofSeconds(30).toNanos() + 1);
    assertThat(timers.expiryDelayNanos(0)).isZero();
    assertThat(timers.expiryDelayNanos(-5)).isZero();
    assertThat(timers.expiryDelayNanos(9)).isEqualTo(9); // too close to spread
  }
}
