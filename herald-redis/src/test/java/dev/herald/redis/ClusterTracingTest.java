package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.trace.Tracing;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One trace from a publisher on node A to the fan-out on every node of a two-node cluster, as the
 * SDK's in-memory exporter receives it, over real sockets and a real Redis; and the tail lag each
 * node exports.
 */
class ClusterTracingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SAMPLED = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
  private static final String TOPIC = "https://example.com/books/1";

  @RegisterExtension static final RedisServer.PerClass redis = new RedisServer.PerClass();

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;
  private Node a;
  private Node b;

  @BeforeEach
  void start() throws Exception {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    RedisConfig config =
        RedisConfig.DEFAULTS
            .withUri(redis.uri())
            .withKeyPrefix("tracing:" + System.nanoTime() + ":");
    a = Node.startTraced(config, Tracing.of(sdk));
    b = Node.startTraced(config, Tracing.of(sdk));
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    sdk.close();
  }

  @Test
  void eachNodesTailReceivesUnderThePublishersSpanAndFansOutUnderItsReceive() throws Exception {
    try (SseSubscriber onA = SseSubscriber.open(a.base(), TOPIC, null);
        SseSubscriber onB = SseSubscriber.open(b.base(), TOPIC, null)) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(a.base() + "/.well-known/mercure"))
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .header("Authorization", "Bearer " + Node.PUBLISHER)
                      .header("traceparent", SAMPLED)
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "topic=" + Node.enc(TOPIC) + "&data=hi"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> onA.data().equals(List.of("hi")) && onB.data().equals(List.of("hi")));
    }

    // publish, append, and a receive and a process span on each node (spans end after delivery).
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> named("receive").size() == 2 && named("process").size() == 2);
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(TRACE_ID));
    SpanData publish = named("publish").get(0);
    List<SpanData> receives = named("receive");
    assertThat(receives)
        .allSatisfy(
            receive -> {
              assertThat(receive.getParentSpanId()).isEqualTo(publish.getSpanId());
              assertThat(receive.getLinks())
                  .singleElement()
                  .satisfies(
                      link ->
                          assertThat(link.getSpanContext().getSpanId())
                              .isEqualTo(publish.getSpanId()));
            });
    assertThat(receives)
        .extracting(span -> span.getAttributes().asMap().toString())
        .allSatisfy(attributes -> assertThat(attributes).contains("herald-redis-tail"));
    Set<String> receiveIds = receives.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
    assertThat(named("process"))
        .allSatisfy(process -> assertThat(receiveIds).contains(process.getParentSpanId()));
  }

  @Test
  void eachNodeExportsHowFarItsTailIsBehind() throws Exception {
    a.publishOk(TOPIC, "x");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(b.get("/metrics").body())
                    .containsPattern("(?m)^herald_redis_tail_lag_seconds(\\{[^}]*\\})? 0\\.0$"));
  }

  private List<SpanData> named(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }
}
