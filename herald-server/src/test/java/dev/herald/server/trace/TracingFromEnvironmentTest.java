package dev.herald.server.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.trace.PublishTracer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the environment turns tracing on; the SDK it then builds exports nothing here. */
class TracingFromEnvironmentTest {

  @Test
  void offByDefault() {
    Tracing tracing = Tracing.fromEnvironment(Map.of(), false);
    assertThat(tracing).isSameAs(Tracing.OFF);
    assertThat(tracing.publishTracer()).isSameAs(PublishTracer.OFF);
  }

  @Test
  void offWhenTheExporterIsNone() {
    assertThat(Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none"), false))
        .isSameAs(Tracing.OFF);
  }

  @Test
  void offWhenTheSdkIsDisabledEvenIfAsked() {
    assertThat(
            Tracing.fromEnvironment(
                Map.of("OTEL_SDK_DISABLED", "true", "OTEL_TRACES_EXPORTER", "otlp"), true))
        .isSameAs(Tracing.OFF);
  }

  @Test
  void onWhenAnExporterIsNamed() {
    // The logging exporter (on the test classpath) writes to java.util.logging: no network.
    try (Tracing tracing =
        Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "logging"), false)) {
      assertThat(tracing.enabled()).isTrue();
      assertThat(tracing.publishTracer()).isInstanceOf(OtelPublishTracer.class);
    }
  }

  @Test
  void onWhenRequested() {
    try (Tracing tracing =
        Tracing.fromEnvironment(
            Map.of("OTEL_TRACES_EXPORTER", "logging", "OTEL_SERVICE_NAME", "herald-eu-1"), true)) {
      assertThat(tracing.enabled()).isTrue();
    }
  }
}
