package dev.herald.server.trace;

import static dev.herald.server.trace.SpanAttributes.AUTHORIZATION;
import static dev.herald.server.trace.SpanAttributes.CLIENT_ADDRESS;
import static dev.herald.server.trace.SpanAttributes.ERROR_TYPE;
import static dev.herald.server.trace.SpanAttributes.HTTP_REQUEST_METHOD;
import static dev.herald.server.trace.SpanAttributes.HTTP_RESPONSE_STATUS_CODE;
import static dev.herald.server.trace.SpanAttributes.HTTP_ROUTE;
import static dev.herald.server.trace.SpanAttributes.MERCURE;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_DESTINATION_NAME;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_MESSAGE_ID;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_OPERATION_NAME;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_OPERATION_TYPE;
import static dev.herald.server.trace.SpanAttributes.MESSAGING_SYSTEM;
import static dev.herald.server.trace.SpanAttributes.PRIVATE;
import static dev.herald.server.trace.SpanAttributes.SEQUENCE;
import static dev.herald.server.trace.SpanAttributes.TOPIC_COUNT;
import static dev.herald.server.trace.SpanAttributes.URL_PATH;

import dev.herald.core.Event;
import dev.herald.core.Update;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The spans of one {@code POST} to the hub: the request ({@code SERVER}, continuing the publisher's
 * {@code traceparent} or starting a trace), its authorization, and {@code publish} ({@code
 * PRODUCER}), which lasts from {@code Hub.publish} until the hub stored the event. Only built when
 * tracing is on; the untraced publish path never sees this class.
 *
 * <p>Created and answered on the channel's event loop; the publish span ends on whichever thread
 * completes the hub's future (the loop for a memory history, the dispatcher for a durable one).
 */
public final class PublishRequestTrace {

  /** W3C Trace Context Level 2: the server's span of a sampled request, on its response. */
  public static final String TRACERESPONSE = "traceresponse";

  private static final TextMapGetter<HttpHeaders> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders carrier) {
          return carrier.names();
        }

        @Override
        public String get(HttpHeaders carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final Tracing tracing;
  private final Span request;
  private final Context context;

  private PublishRequestTrace(Tracing tracing, Span request, Context context) {
    this.tracing = tracing;
    this.request = request;
    this.context = context;
  }

  /**
   * Starts the request's span under the publisher's trace context, if its headers carry one.
   *
   * @param route the path pattern the request matched, e.g. {@code /.well-known/mercure}
   * @param client the client's address, or null
   */
  public static PublishRequestTrace start(
      Tracing tracing, HttpHeaders headers, String route, String path, String client) {
    Context publisher = tracing.propagator().extract(Context.root(), headers, HEADERS);
    Span request =
        tracing
            .tracer()
            .spanBuilder("POST " + route)
            .setParent(publisher)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(HTTP_REQUEST_METHOD, "POST")
            .setAttribute(HTTP_ROUTE, route)
            .setAttribute(URL_PATH, path)
            .startSpan();
    if (client != null) {
      request.setAttribute(CLIENT_ADDRESS, client);
    }
    return new PublishRequestTrace(tracing, request, publisher.with(request));
  }

  /**
   * Runs {@code step} (verifying the token, reading the update, checking the topics it may publish
   * to) in an {@code authorize publish} span; a 401 or 403 marks it denied.
   *
   * @param statusOf the HTTP status the edge answers a failure of {@code step} with
   */
  public <T> T authorize(Supplier<T> step, ToIntFunction<RuntimeException> statusOf) {
    Span span = tracing.tracer().spanBuilder("authorize publish").setParent(context).startSpan();
    try {
      T result = step.get();
      span.setAttribute(AUTHORIZATION, "allowed");
      return result;
    } catch (RuntimeException e) {
      int status = statusOf.applyAsInt(e);
      if (status == 401 || status == 403) {
        span.setAttribute(AUTHORIZATION, "denied");
      }
      span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      span.setAttribute(ERROR_TYPE, status > 0 ? Integer.toString(status) : e.getClass().getName());
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * Calls {@code publish} with a {@code publish} span current, so the hub's dispatcher (through
   * {@link Tracing#publishTracer()}) hangs its append and fan-out spans under it; the span ends
   * when the returned future completes.
   */
  public CompletableFuture<Event> publish(
      Update update, Function<Update, CompletableFuture<Event>> publish) {
    Span span =
        tracing
            .tracer()
            .spanBuilder("publish")
            .setParent(context)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(MESSAGING_SYSTEM, MERCURE)
            .setAttribute(MESSAGING_OPERATION_TYPE, "send")
            .setAttribute(MESSAGING_OPERATION_NAME, "publish")
            .setAttribute(MESSAGING_DESTINATION_NAME, update.topics().get(0))
            .setAttribute(TOPIC_COUNT, (long) update.topics().size())
            .setAttribute(PRIVATE, update.isPrivate())
            .startSpan();
    CompletableFuture<Event> stored;
    try (Scope ignored = context.with(span).makeCurrent()) {
      stored = publish.apply(update);
    } catch (RuntimeException e) {
      failed(span, e);
      span.end();
      throw e;
    }
    stored.whenComplete(
        (event, failure) -> {
          if (failure != null) {
            failed(span, failure);
          } else {
            span.setAttribute(MESSAGING_MESSAGE_ID, event.id());
            span.setAttribute(SEQUENCE, event.sequence());
          }
          span.end();
        });
    return stored;
  }

  private static void failed(Span span, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
    span.setAttribute(ERROR_TYPE, OtelPublishTracer.errorType(cause));
  }

  /**
   * Ends the request's span with the response's status, and puts a {@value #TRACERESPONSE} header
   * on the response when the request is sampled, so the operator can look its trace up.
   */
  public FullHttpResponse answered(FullHttpResponse response) {
    String traceresponse = traceresponse();
    if (traceresponse != null) {
      response.headers().set(TRACERESPONSE, traceresponse);
    }
    end(response.status());
    return response;
  }

  /**
   * The {@value #TRACERESPONSE} header's value for this request ({@code
   * 00-<trace-id>-<span-id>-<flags>}), or null when it is not sampled.
   */
  public String traceresponse() {
    SpanContext span = request.getSpanContext();
    if (!span.isSampled()) {
      return null;
    }
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
  }

  /** The trace id, for a log line; null when the request is not sampled. */
  public String traceId() {
    SpanContext span = request.getSpanContext();
    return span.isSampled() ? span.getTraceId() : null;
  }

  /** Ends the request's span with an answer that is not built here (an error's response). */
  public void end(HttpResponseStatus status) {
    request.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status.code());
    if (status.code() >= 500) {
      // Server spans mark only server errors: a 4xx is the client's, per the HTTP conventions.
      request.setStatus(StatusCode.ERROR);
      request.setAttribute(ERROR_TYPE, Integer.toString(status.code()));
    }
    request.end();
  }
}
