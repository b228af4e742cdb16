package dev.herald.server.trace;

import static dev.herald.server.trace.SpanAttributes.CUT_AS_SLOW;
import static dev.herald.server.trace.SpanAttributes.ERROR_TYPE;
import static dev.herald.server.trace.SpanAttributes.LOG;
import static dev.herald.server.trace.SpanAttributes.MERCURE;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_BATCH_MESSAGE_COUNT;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_DESTINATION_NAME;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_MESSAGE_ID;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_OPERATION_NAME;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_OPERATION_TYPE;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_SYSTEM;
import static dev.herald.server.trace.SpanAttributes.OFFERED;
import static dev.herald.server.trace.SpanAttributes.SEQUENCE;
import static dev.herald.server.trace.SpanAttributes.THREAD_NAME;

import dev.herald.core.Event;
import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.trace.PublishTracer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The dispatcher's reports as spans: an {@code append} span per traced publish of a batch, and one
 * aggregate {@code process} span per delivery loop that fanned a traced event out (never one per
 * subscriber), both children of the span that was current when the update was published (the edge's
 * {@code publish} span, or an embedding application's own). On a cluster node the stream entry
 * carries that span's context, and each node's tail starts a {@code receive} span under it, parent
 * of that node's {@code process} spans: one trace from the publisher to every node's fan-out.
 *
 * <p>Stateless; safe from any thread (see {@link PublishTracer} for which calls which).
 */
final class OtelPublishTracer implements PublishTracer {

  private final Tracer tracer;

  OtelPublishTracer(Tracer tracer) {
    this.tracer = tracer;
  }

  /** The publisher's current context, if it holds a sampled span: nothing to allocate. */
  @Override
  public Object accepted(Update update) {
    Context context = Context.current();
    return Span.fromContext(context).getSpanContext().isSampled() ? context : null;
  }

  @Override
  public void appended(
      Object trace, Event event, int batchSize, Log log, long startNanos, Throwable failure) {
    Span span =
        tracer
            .spanBuilder("append")
            .setParent((Context) trace)
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(epochNanos(startNanos), TimeUnit.NANOSECONDS)
            .setAttribute(LOG, log.name().toLowerCase(Locale.ROOT))
            .setAttribute(MESSAGING_BATCH_MESSAGE_COUNT, (long) batchSize)
            .startSpan();
    if (event != null) {
      span.setAttribute(MESSAGING_MESSAGE_ID, event.id());
      span.setAttribute(SEQUENCE, event.sequence());
    }
    if (failure != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
      span.setAttribute(ERROR_TYPE, errorType(failure));
    }
    span.end();
  }

  @Override
  public void fannedOut(Object trace, Event event, int offered, int cutAsSlow, long startNanos) {
    tracer
        .spanBuilder("process")
        .setParent((Context) trace)
        .setSpanKind(SpanKind.CONSUMER)
        .setStartTimestamp(epochNanos(startNanos), TimeUnit.NANOSECONDS)
        .setAttribute(MESSAGING_SYSTEM, MERCURE)
        .setAttribute(MESSAGING_OPERATION_TYPE, "process")
        .setAttribute(MESSAGING_OPERATION_NAME, "fan-out")
        .setAttribute(MESSAGING_DESTINATION_NAME, event.update().topics().get(0))
        .setAttribute(MESSAGING_MESSAGE_ID, event.id())
        .setAttribute(SEQUENCE, event.sequence())
        .setAttribute(OFFERED, (long) offered)
        .setAttribute(CUT_AS_SLOW, (long) cutAsSlow)
        .setAttribute(THREAD_NAME, Thread.currentThread().getName())
        .startSpan()
        .end();
  }

  /** The span the publish was accepted under, as the {@code traceparent} header would carry it. */
  @Override
  public String propagate(Object trace) {
    SpanContext span = Span.fromContext((Context) trace).getSpanContext();
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
  }

  /**
   * A {@code receive} span on this node's tail of the shared log: a child of the publishing node's
   * span, with a link to it as the messaging conventions ask of a consumer, from the publish time
   * (the entry's wall-clock stamp, so across machines as exact as their clocks) to the tail's read.
   * The loops' {@code process} spans are its children.
   */
  @Override
  public Object received(Event event, String traceparent) {
    Context remote =
        W3CTraceContextPropagator.getInstance()
            .extract(Context.root(), traceparent, TraceparentGetter.INSTANCE);
    SpanContext publisher = Span.fromContext(remote).getSpanContext();
    if (!publisher.isValid()) {
      return null; // a malformed field in the stream: fan out untraced rather than fail
    }
    SpanBuilder builder =
        tracer
            .spanBuilder("receive")
            .setParent(remote)
            .addLink(publisher)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(MESSAGING_SYSTEM, MERCURE)
            .setAttribute(MESSAGING_OPERATION_TYPE, "receive")
            .setAttribute(MESSAGING_OPERATION_NAME, "tail")
            .setAttribute(MESSAGING_DESTINATION_NAME, event.update().topics().get(0))
            .setAttribute(MESSAGING_MESSAGE_ID, event.id())
            .setAttribute(SEQUENCE, event.sequence())
            .setAttribute(LOG, "shared")
            .setAttribute(THREAD_NAME, Thread.currentThread().getName());
    if (event.publishedNanos() != 0) {
      builder.setStartTimestamp(epochNanos(event.publishedNanos()), TimeUnit.NANOSECONDS);
    }
    Span span = builder.startSpan();
    span.end();
    return span.getSpanContext().isSampled() ? remote.with(span) : null;
  }

  /** Reads the one header a stream entry carries. */
  private enum TraceparentGetter implements TextMapGetter<String> {
    INSTANCE;

    @Override
    public Iterable<String> keys(String carrier) {
      return List.of("traceparent");
    }

    @Override
    public String get(String carrier, String key) {
      return "traceparent".equals(key) ? carrier : null;
    }
  }

  /** A {@link System#nanoTime()} reading as a wall-clock time, for a span that began then. */
  static long epochNanos(long nanoTime) {
    Instant now = Instant.now();
    long nowEpochNanos = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    return nowEpochNanos - Math.max(0, System.nanoTime() - nanoTime);
  }

  /** The low-cardinality kind of a failure, as {@code error.type} wants it. */
  static String errorType(Throwable failure) {
    return failure instanceof HubException hub
        ? hub.kind().name().toLowerCase(Locale.ROOT)
        : failure.getClass().getName();
  }
}
