package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.history.History;
import dev.herald.core.history.MemoryHistory;
import dev.herald.server.trace.Tracing;
import dev.herald.store.SqliteHistory;
import dev.herald.store.StoreConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publish's spans as the SDK's in-memory exporter receives them, from a real hub over real
 * sockets, with a memory and a durable history.
 */
class TracingTest extends ServerTestBase {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PUBLISHER_SPAN = "00f067aa0ba902b7";
  private static final String SAMPLED = "00-" + TRACE_ID + "-" + PUBLISHER_SPAN + "-01";
  private static final String TOPIC = "https://example.com/books/1";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;

  @TempDir Path dataDir;

  @BeforeEach
  @Override
  void start() throws Exception {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    startWith(new MemoryHistory(100));
  }

  private void startWith(History history) throws Exception {
    ServerConfig config = config().build();
    Tracing tracing = Tracing.of(sdk);
    // The hub tells the same tracer of each publish's append and fan-out.
    server =
        HeraldServer.builder(config)
            .hub(new Hub(config.hub(), history, tracing.publishTracer()))
            .tracing(tracing)
            .start();
    base = "http://127.0.0.1:" + server.port();
  }

  private void restartWith(History history) throws Exception {
    server.close();
    startWith(history);
  }

  @AfterEach
  void stopSdk() {
    sdk.close();
  }

  @Test
  void memoryPublishContinuesThePublishersTrace() throws Exception {
    assertPublishTraced();
  }

  @Test
  void durablePublishContinuesThePublishersTrace() throws Exception {
    restartWith(SqliteHistory.open(StoreConfig.DEFAULTS.withDataDir(dataDir)));
    assertPublishTraced();
  }

  @Test
  void theAppendAndEachLoopsFanOutAreSpansOfThePublish() throws Exception {
    restartWith(SqliteHistory.open(StoreConfig.DEFAULTS.withDataDir(dataDir)));
    String reader = token(List.of(), List.of(TOPIC), null);
    try (SseClient subscriber =
        SseClient.open(http, subscribeUri(TOPIC), Map.of("Authorization", "Bearer " + reader))) {
      HttpResponse<String> response =
          publish(
              "topic=" + enc(TOPIC) + "&data=hi&private=on",
              Map.of("Authorization", "Bearer " + PUBLISHER, "traceparent", SAMPLED));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(subscriber.next().data()).isEqualTo("hi");

      List<SpanData> trace = awaitSpans(5);
      SpanData publish = span(trace, "publish");
      SpanData append = span(trace, "append");
      SpanData fanOut = span(trace, "process");
      assertThat(List.of(append, fanOut))
          .allSatisfy(
              span -> {
                assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
                assertThat(span.getParentSpanId()).isEqualTo(publish.getSpanId());
              });
      assertThat(attribute(append, "herald.log")).isEqualTo("durable");
      assertThat(append.getAttributes().get(AttributeKey.longKey("herald.event.sequence")))
          .isEqualTo(1L);
      assertThat(fanOut.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(fanOut.getAttributes().get(AttributeKey.longKey("herald.fanout.offered")))
          .isEqualTo(1L);
      assertThat(fanOut.getAttributes().get(AttributeKey.longKey("herald.fanout.cut_slow")))
          .isEqualTo(0L);
    }
  }

  private void assertPublishTraced() throws Exception {
    HttpResponse<String> response =
        publish(
            "topic=" + enc(TOPIC) + "&data=hi&private=on",
            Map.of("Authorization", "Bearer " + PUBLISHER, "traceparent", SAMPLED));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String eventId = response.body();

    List<SpanData> trace = awaitSpans(3);
    SpanData request = span(trace, "POST /.well-known/mercure");
    SpanData authorize = span(trace, "authorize publish");
    SpanData publish = span(trace, "publish");
    assertThat(trace).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(TRACE_ID));

    assertThat(request.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(request.getParentSpanId()).isEqualTo(PUBLISHER_SPAN);
    assertThat(request.getParentSpanContext().isRemote()).isTrue();
    assertThat(attribute(request, "http.request.method")).isEqualTo("POST");
    assertThat(attribute(request, "http.route")).isEqualTo("/.well-known/mercure");
    assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(200L);
    assertThat(attribute(request, "client.address")).isEqualTo("127.0.0.1");

    assertThat(authorize.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(attribute(authorize, "herald.authorization")).isEqualTo("allowed");

    assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(attribute(publish, "messaging.system")).isEqualTo("mercure");
    assertThat(attribute(publish, "messaging.operation.name")).isEqualTo("publish");
    assertThat(attribute(publish, "messaging.destination.name")).isEqualTo(TOPIC);
    assertThat(attribute(publish, "messaging.message.id")).isEqualTo(eventId);
    assertThat(publish.getAttributes().get(AttributeKey.longKey("herald.event.sequence")))
        .isEqualTo(1L);
    assertThat(publish.getAttributes().get(AttributeKey.booleanKey("herald.update.private")))
        .isTrue();
    assertThat(publish.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

    assertThat(response.headers().firstValue("traceresponse"))
        .contains("00-" + TRACE_ID + "-" + request.getSpanId() + "-01");
  }

  @Test
  void publishWithoutTraceparentStartsATrace() throws Exception {
    HttpResponse<String> response = publish("topic=" + enc(TOPIC) + "&data=hi");
    assertThat(response.statusCode()).isEqualTo(200);

    SpanData request = span(awaitSpans(3), "POST /.well-known/mercure");
    assertThat(request.getParentSpanContext().isValid()).isFalse();
    assertThat(request.getTraceId()).isNotEqualTo(TRACE_ID);
    // Its flags are the new trace's: sampled, and (W3C level 2) a random trace id.
    assertThat(request.getSpanContext().isSampled()).isTrue();
    assertThat(response.headers().firstValue("traceresponse"))
        .contains(
            "00-"
                + request.getTraceId()
                + "-"
                + request.getSpanId()
                + "-"
                + request.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void unsampledPublishHasNoSpansAndNoTraceresponse() throws Exception {
    HttpResponse<String> response =
        publish(
            "topic=" + enc(TOPIC) + "&data=hi",
            Map.of(
                "Authorization",
                "Bearer " + PUBLISHER,
                "traceparent",
                "00-" + TRACE_ID + "-" + PUBLISHER_SPAN + "-00"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("traceresponse")).isEmpty();

    // A sampled publish after it: once its spans are in, the unsampled one had its chance.
    publishOk("topic=" + enc(TOPIC) + "&data=after");
    assertThat(awaitSpans(3))
        .allSatisfy(span -> assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID));
  }

  @Test
  void deniedPublishIsTracedAsDenied() throws Exception {
    String booksOnly = token(List.of("https://example.com/books/{id}"), null, null);
    HttpResponse<String> response =
        publish(
            "topic=" + enc("https://example.com/films/1") + "&data=hi",
            Map.of("Authorization", "Bearer " + booksOnly, "traceparent", SAMPLED));
    assertThat(response.statusCode()).isEqualTo(403);

    List<SpanData> trace = awaitSpans(2);
    SpanData request = span(trace, "POST /.well-known/mercure");
    SpanData authorize = span(trace, "authorize publish");
    assertThat(attribute(authorize, "herald.authorization")).isEqualTo("denied");
    assertThat(authorize.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(403L);
    // A client's error is not the server's: the request span stays unset.
    assertThat(request.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(trace).noneMatch(span -> span.getName().equals("publish"));
    assertThat(response.headers().firstValue("traceresponse"))
        .contains("00-" + TRACE_ID + "-" + request.getSpanId() + "-01");
  }

  @Test
  void failedStoreMarksThePublishSpanAndTheRequest() throws Exception {
    restartWith(new FullDisk());
    HttpResponse<String> response =
        publish(
            "topic=" + enc(TOPIC) + "&data=hi",
            Map.of("Authorization", "Bearer " + PUBLISHER, "traceparent", SAMPLED));
    assertThat(response.statusCode()).isEqualTo(503);

    List<SpanData> trace = awaitSpans(3);
    SpanData request = span(trace, "POST /.well-known/mercure");
    SpanData publish = span(trace, "publish");
    assertThat(publish.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(publish.getStatus().getDescription()).contains("disk full");
    assertThat(attribute(publish, "error.type")).isEqualTo("unavailable");
    assertThat(request.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attribute(request, "error.type")).isEqualTo("503");
    assertThat(response.headers().firstValue("traceresponse"))
        .contains("00-" + TRACE_ID + "-" + request.getSpanId() + "-01");
  }

  @Test
  void aBrowserPublisherOnAnotherOriginMaySendTraceparentAndReadTraceresponse() throws Exception {
    HttpResponse<String> preflight =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,traceparent,tracestate")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(headerList(preflight, "access-control-allow-headers"))
        .contains("traceparent", "tracestate", "authorization");

    HttpResponse<String> response =
        publish(
            "topic=" + enc(TOPIC) + "&data=hi",
            Map.of(
                "Authorization",
                "Bearer " + PUBLISHER,
                "traceparent",
                SAMPLED,
                "Origin",
                "http://localhost:5173"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(headerList(response, "access-control-expose-headers")).contains("traceresponse");
    assertThat(response.headers().firstValue("traceresponse")).isPresent();
  }

  private static String headerList(HttpResponse<?> response, String name) {
    return String.join(",", response.headers().allValues(name)).toLowerCase(Locale.ROOT);
  }

  @Test
  void tracingOffAnswersWithoutTraceresponse() throws Exception {
    server.close();
    server = HeraldServer.start(config().build());
    base = "http://127.0.0.1:" + server.port();
    HttpResponse<String> response =
        publish(
            "topic=" + enc(TOPIC) + "&data=hi",
            Map.of("Authorization", "Bearer " + PUBLISHER, "traceparent", SAMPLED));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("traceresponse")).isEmpty();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  /**
   * The spans once {@code count} have ended. Spans end as the answer goes out, not before the
   * client reads it, so the test waits for them; the bound only ends a failing run.
   */
  private List<SpanData> awaitSpans(int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> spans.getFinishedSpanItems().size() >= count);
    return spans.getFinishedSpanItems();
  }

  private static SpanData span(List<SpanData> trace, String name) {
    Optional<SpanData> found = trace.stream().filter(s -> s.getName().equals(name)).findFirst();
    assertThat(found).as("span %s in %s", name, trace).isPresent();
    return found.get();
  }

  private static String attribute(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  /** A history whose every append fails, as a full disk's would. */
  private static final class FullDisk implements History {
    @Override
    public void append(List<Event> events) {
      throw new IllegalStateException("disk full");
    }

    @Override
    public long sequenceOf(String id) {
      return -1;
    }

    @Override
    public long lastSequence() {
      return 0;
    }

    @Override
    public String lastId() {
      return null;
    }

    @Override
    public List<Event> read(long afterSequence, long upToSequence, int max) {
      return List.of();
    }
  }
}
