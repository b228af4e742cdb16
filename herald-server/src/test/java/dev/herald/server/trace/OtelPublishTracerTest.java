package dev.herald.server.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Event;
import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.trace.PublishTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hook's spans, called as the dispatcher will call it: {@code accepted} on the publisher's
 * thread inside its span, {@code appended} and {@code fannedOut} later with what it returned.
 */
class OtelPublishTracerTest {

  private static final Update UPDATE =
      Update.of("https://example.com/books/1", "hi").withId("urn:uuid:one");
  private static final Event EVENT = new Event(7, UPDATE, new byte[0], System.nanoTime());

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final PublishTracer tracer = Tracing.of(sdk).publishTracer();

  @AfterEach
  void close() {
    sdk.close();
  }

  @Test
  void publishOutsideAnySpanIsNotTraced() {
    assertThat(tracer.accepted(UPDATE)).isNull();
  }

  @Test
  void publishUnderAnUnsampledSpanIsNotTraced() {
    SpanContext unsampled =
        SpanContext.create(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            TraceFlags.getDefault(),
            TraceState.getDefault());
    try (Scope ignored = Context.root().with(Span.wrap(unsampled)).makeCurrent()) {
      assertThat(tracer.accepted(UPDATE)).isNull();
    }
  }

  @Test
  void appendIsAChildOfThePublishersSpan() {
    Span publish = sdk.getTracer("test").spanBuilder("publish").startSpan();
    Object trace;
    try (Scope ignored = publish.makeCurrent()) {
      trace = tracer.accepted(UPDATE);
    }
    long started = System.nanoTime();
    tracer.appended(trace, EVENT, 3, PublishTracer.Log.DURABLE, started, null);
    publish.end();

    SpanData append = named("append");
    assertThat(append.getTraceId()).isEqualTo(publish.getSpanContext().getTraceId());
    assertThat(append.getParentSpanId()).isEqualTo(publish.getSpanContext().getSpanId());
    assertThat(append.getAttributes().get(AttributeKey.stringKey("herald.log")))
        .isEqualTo("durable");
    assertThat(append.getAttributes().get(AttributeKey.longKey("messaging.batch.message_count")))
        .isEqualTo(3L);
    assertThat(append.getAttributes().get(AttributeKey.stringKey("messaging.message.id")))
        .isEqualTo("urn:uuid:one");
    assertThat(append.getAttributes().get(AttributeKey.longKey("herald.event.sequence")))
        .isEqualTo(7L);
    assertThat(append.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void failedAppendIsAnError() {
    Object trace = acceptedUnder(sdk.getTracer("test").spanBuilder("publish").startSpan());
    tracer.appended(
        trace,
        null,
        1,
        PublishTracer.Log.SHARED,
        System.nanoTime(),
        new HubException(HubException.Kind.UNAVAILABLE, "redis: connection refused"));

    SpanData append = named("append");
    assertThat(append.getAttributes().get(AttributeKey.stringKey("herald.log")))
        .isEqualTo("shared");
    assertThat(append.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(append.getStatus().getDescription()).isEqualTo("redis: connection refused");
    assertThat(append.getAttributes().get(AttributeKey.stringKey("error.type")))
        .isEqualTo("unavailable");
    assertThat(append.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isNull();
  }

  @Test
  void fanOutIsOneAggregateSpanPerLoop() throws Exception {
    Span publish = sdk.getTracer("test").spanBuilder("publish").startSpan();
    Object trace = acceptedUnder(publish);
    Thread loop =
        new Thread(
            () -> tracer.fannedOut(trace, EVENT, 1_000, 2, System.nanoTime()), "herald-loop-3");
    loop.start();
    loop.join();

    SpanData process = named("process");
    assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanContext().getSpanId());
    assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.operation.type")))
        .isEqualTo("process");
    assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
        .isEqualTo("https://example.com/books/1");
    assertThat(process.getAttributes().get(AttributeKey.longKey("herald.fanout.offered")))
        .isEqualTo(1_000L);
    assertThat(process.getAttributes().get(AttributeKey.longKey("herald.fanout.cut_slow")))
        .isEqualTo(2L);
    assertThat(process.getAttributes().get(AttributeKey.stringKey("thread.name")))
        .isEqualTo("herald-loop-3");
  }

  @Test
  void spanStartsWhenTheDispatcherStartedNotWhenItReported() {
    Object trace = acceptedUnder(sdk.getTracer("test").spanBuilder("publish").startSpan());
    long startedLongAgo = System.nanoTime() - 5_000_000_000L;
    tracer.fannedOut(trace, EVENT, 1, 0, startedLongAgo);

    SpanData process = named("process");
    assertThat(process.getEndEpochNanos() - process.getStartEpochNanos())
        .isGreaterThanOrEqualTo(5_000_000_000L);
  }

  @Test
  void offTracingHasTheNoOpHook() {
    assertThat(Tracing.OFF.enabled()).isFalse();
    assertThat(Tracing.OFF.publishTracer()).isSameAs(PublishTracer.OFF);
  }

  private Object acceptedUnder(Span span) {
    try (Scope ignored = span.makeCurrent()) {
      Object trace = tracer.accepted(UPDATE);
      assertThat(trace).isNotNull();
      return trace;
    }
  }

  private SpanData named(String name) {
    List<SpanData> finished = spans.getFinishedSpanItems();
    return finished.stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + finished));
  }
}
