package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.server.ServerConfig;
import dev.herald.server.limits.FrontDoor;
import dev.herald.server.limits.LimitCounters;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.sse.OpenStreams;
import dev.herald.server.trace.Tracing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publish's {@code 200}, built from pre-built header values: the same answer as the generic
 * text response it replaced, and on the wire of a real server pipeline (HTTP/1.1 codec, keep-alive,
 * aggregator, CORS, router on an {@link EmbeddedChannel}) the same head, CORS and {@code
 * Connection: close} included. HTTP/2 answers are {@code Http2Test}'s. Runs on the JUnit thread,
 * which is the embedded channel's loop.
 */
class PublishAnswerTest {

  private static final String ORIGIN = "http://localhost:5173";
  private static final JwtKey KEY =
      JwtKey.parse("HS256", "a-test-secret-that-is-long-enough-for-hs256");

  private Hub hub;
  private HubMetrics metrics;
  private HubRoutes routes;
  private EmbeddedChannel channel;

  @BeforeEach
  void start() {
    ServerConfig config =
        ServerConfig.builder()
            .publisherKey(KEY)
            .subscriberKey(KEY)
            .anonymous(false)
            .demo(false)
            .ui(false)
            .corsOrigins(List.of(ORIGIN))
            .hub(HubConfig.DEFAULTS.withHistorySize(10))
            .build();
    hub = new Hub(config.hub());
    metrics = HubMetrics.disabled(hub);
    routes =
        HubRoutes.create(
            hub, config, null, metrics, null, new OpenStreams(), Clock.systemUTC(), Tracing.OFF);
    channel =
        new EmbeddedChannel(
            new HttpPipelines(
                    routes, new FrontDoor(config.limits(), new LimitCounters(), HttpError::refusal))
                .cleartext());
  }

  @AfterEach
  void stop() {
    channel.finishAndReleaseAll();
    routes.close();
    metrics.close();
    hub.close();
  }

  @Test
  void theStoredAnswerIsTheTextAnswerItReplaced() {
    for (String id :
        List.of("urn:uuid:0b6c1a4e-4f8e-4a53-9d8e-0c0ffee00001", "urn:é", "x".repeat(300))) {
      FullHttpResponse stored = Responses.stored(id);
      FullHttpResponse text = Responses.text(HttpResponseStatus.OK, id);
      try {
        assertThat(stored.protocolVersion()).isEqualTo(text.protocolVersion());
        assertThat(stored.status()).isEqualTo(text.status());
        assertThat(entries(stored)).as(id).isEqualTo(entries(text));
        assertThat(stored.content()).isEqualTo(text.content());
        assertThat(stored.trailingHeaders().isEmpty()).isTrue();
      } finally {
        stored.release();
        text.release();
      }
    }
  }

  @Test
  void aKeptAlivePublishIsAnsweredWithTheIdAndTheFixedHeaders() {
    String answer = publish("urn:a", "");

    assertThat(answer)
        .isEqualTo(
            "HTTP/1.1 200 OK\r\n"
                + "content-type: text/plain; charset=utf-8\r\n"
                + "content-length: 5\r\n"
                + "link: </.well-known/mercure>; rel=\"mercure\"\r\n"
                + "\r\n"
                + "urn:a");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aPublishAskingToCloseIsAnsweredWithConnectionCloseAndClosed() {
    String answer = publish("urn:b", "Connection: close\r\n");

    assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\nconnection: close\r\n");
    assertThat(answer).endsWith("\r\n\r\nurn:b");
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aPublishFromAnAllowedOriginCarriesTheCorsHeaders() {
    String answer = publish("urn:c", "Origin: " + ORIGIN + "\r\n");

    assertThat(answer)
        .startsWith("HTTP/1.1 200 OK\r\n")
        .contains("\r\naccess-control-allow-origin: " + ORIGIN + "\r\n")
        .contains("\r\naccess-control-allow-credentials: true\r\n")
        .contains("\r\naccess-control-expose-headers: ")
        .contains("\r\ncontent-length: 5\r\n")
        .endsWith("\r\n\r\nurn:c");
  }

  @Test
  void aMalformedBodyIsAnswered400AndTheNextPublishStillWorks() {
    String bad = exchange(request("topic=t&data=%zz", ""));
    assertThat(bad)
        .startsWith("HTTP/1.1 400 Bad Request\r\n")
        .endsWith(
            "malformed request: bad percent-escape '%zz' at byte 13 of the form body (expected: %"
                + " and two hex digits)\n");

    assertThat(publish("urn:d", "")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("urn:d");
  }

  private String publish(String id, String extraHeaders) {
    return exchange(request("topic=t&data=d&id=" + id, extraHeaders));
  }

  private static String request(String form, String extraHeaders) {
    String token = TokenMinter.mint(KEY, List.of("*"), null, null, null, Clock.systemUTC());
    return "POST /.well-known/mercure HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\n"
        + extraHeaders
        + "Authorization: Bearer "
        + token
        + "\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: "
        + form.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n"
        + form;
  }

  private String exchange(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
    channel.runPendingTasks();
    StringBuilder answer = new StringBuilder();
    ByteBuf part;
    while ((part = channel.readOutbound()) != null) {
      answer.append(part.toString(StandardCharsets.UTF_8));
      part.release();
    }
    return answer.toString();
  }

  /** The headers as {@code name: value} lines, in order. */
  private static List<String> entries(FullHttpResponse response) {
    return response.headers().entries().stream()
        .map(entry -> entry.getKey() + ": " + entry.getValue())
        .toList();
  }
}
