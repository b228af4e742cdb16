package dev.herald.server.trace;

import dev.herald.core.trace.PublishTracer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hub's OpenTelemetry tracing, or {@link #OFF}: the tracer the publish path starts its spans
 * with, the propagator that reads a publisher's {@code traceparent}, and the {@link PublishTracer}
 * a hub's dispatcher reports to.
 *
 * <p>Off by default. {@link #fromEnvironment} turns it on the standard way (OTEL_* variables, read
 * by the SDK's autoconfigure module); {@link #of} uses an application's own {@link OpenTelemetry}.
 * Immutable; safe from any thread.
 */
public final class Tracing implements AutoCloseable {

  /** Traces nothing; the publish path takes its untraced branch and allocates nothing for it. */
  public static final Tracing OFF = new Tracing(null, null);

  /** The instrumentation scope of every span Herald starts. */
  static final String SCOPE = "dev.herald";

  private final OpenTelemetry openTelemetry;

  /** The SDK {@link #fromEnvironment} built, which {@link #close} flushes; null if not ours. */
  private final OpenTelemetrySdk owned;

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final PublishTracer publishTracer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk owned) {
    this.openTelemetry = openTelemetry;
    this.owned = owned;
    this.tracer = openTelemetry == null ? null : openTelemetry.getTracer(SCOPE);
    this.propagator =
        openTelemetry == null ? null : openTelemetry.getPropagators().getTextMapPropagator();
    this.publishTracer = openTelemetry == null ? PublishTracer.OFF : new OtelPublishTracer(tracer);
  }

  /**
   * Traces with an application's own OpenTelemetry (the Spring bean, the agent's global one), which
   * stays the application's to configure and shut down.
   */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry, null);
  }

  /**
   * Tracing as the environment asks: on when {@code requested} ({@code --otel}, {@code
   * HERALD_OTEL=true}) or when {@code OTEL_TRACES_EXPORTER} names an exporter other than {@code
   * none}; off when {@code OTEL_SDK_DISABLED=true}. When on, the SDK's autoconfigure module reads
   * every other OTEL_* variable (endpoint, protocol, sampler, resource); Herald only changes three
   * of its defaults: the service name is {@code herald}, OTLP goes over HTTP/protobuf, and no
   * metrics or logs are exported (Prometheus serves the metrics). The returned tracing owns that
   * SDK: {@link #close} flushes it.
   */
  public static Tracing fromEnvironment(Map<String, String> environment, boolean requested) {
    if ("true".equalsIgnoreCase(environment.getOrDefault("OTEL_SDK_DISABLED", ""))) {
      return OFF;
    }
    String exporter = environment.getOrDefault("OTEL_TRACES_EXPORTER", "").trim();
    boolean asked = !exporter.isEmpty() && !exporter.toLowerCase(Locale.ROOT).equals("none");
    if (!requested && !asked) {
      return OFF;
    }
    // The SDK reads the process's variables itself; these also carry a map that is not them.
    Map<String, String> properties = new HashMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.startsWith("OTEL_")) {
            properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    return autoconfigured(properties);
  }

  /**
   * An SDK configured by autoconfigure, with {@code defaults} under the environment variables and
   * system properties, which win as they always do; for tests, which cannot set variables.
   */
  static Tracing autoconfigured(Map<String, String> defaults) {
    // The SDK's own default protocol is gRPC, whose sender Herald does not ship (it would bring
    // OkHttp and Kotlin, or gRPC): OTLP over HTTP/protobuf is the default here, as documented.
    Map<String, String> herald =
        Map.of(
            "otel.service.name", "herald",
            "otel.traces.exporter", "otlp",
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> herald)
            .addPropertiesSupplier(() -> defaults)
            .disableShutdownHook() // the owner closes it after the server, so the last spans go out
            .build()
            .getOpenTelemetrySdk();
    return new Tracing(sdk, sdk);
  }

  /** Whether spans are recorded: false for {@link #OFF}. */
  public boolean enabled() {
    return openTelemetry != null;
  }

  /** What a hub's dispatcher reports to; {@link PublishTracer#OFF} when tracing is off. */
  public PublishTracer publishTracer() {
    return publishTracer;
  }

  Tracer tracer() {
    return tracer;
  }

  TextMapPropagator propagator() {
    return propagator;
  }

  /**
   * Exports the spans still buffered and stops an SDK this tracing built; else nothing. Once: the
   * CLI calls it from its shutdown hook and again when its main thread ends.
   */
  @Override
  public void close() {
    if (owned != null && closed.compareAndSet(false, true)) {
      owned.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
