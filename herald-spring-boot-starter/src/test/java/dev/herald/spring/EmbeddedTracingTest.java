package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import io.opentelemetry.api.OpenTelemetry;
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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The embedded hub traces its publish requests with the application's own OpenTelemetry bean. */
class EmbeddedTracingTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
          .withPropertyValues(
              "herald.embedded.enabled=true",
              "herald.embedded.listen=127.0.0.1:0",
              "herald.embedded.warm-up=0",
              "herald.embedded.jwt-key=" + SECRET);

  @Test
  void anHttpPublishJoinsThePublishersTraceThroughTheApplicationsBean() {
    runner
        .withBean(
            OpenTelemetry.class,
            () ->
                OpenTelemetrySdk.builder()
                    .setTracerProvider(
                        SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(spans))
                            .build())
                    .setPropagators(
                        ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build())
        .run(
            context -> {
              EmbeddedHerald herald = context.getBean(EmbeddedHerald.class);
              HttpResponse<String> response = publish(herald.port());
              assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
              assertThat(response.headers().firstValue("traceresponse").orElseThrow())
                  .startsWith("00-" + TRACE_ID + "-");
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> spans.getFinishedSpanItems().size() >= 3);
              assertThat(spans.getFinishedSpanItems())
                  .extracting(SpanData::getName)
                  .contains("POST /.well-known/mercure", "authorize publish", "publish");
            });
  }

  @Test
  void withoutABeanNothingIsTraced() {
    runner.run(
        context -> {
          HttpResponse<String> response = publish(context.getBean(EmbeddedHerald.class).port());
          assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
          assertThat(response.headers().firstValue("traceresponse")).isEmpty();
        });
  }

  private static HttpResponse<String> publish(int port) throws Exception {
    String token =
        TokenMinter.mint(
            JwtKey.parse("HS256", SECRET), List.of("*"), null, null, null, Clock.systemUTC());
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.well-known/mercure"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Bearer " + token)
                .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString("topic=books&data=hi"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
