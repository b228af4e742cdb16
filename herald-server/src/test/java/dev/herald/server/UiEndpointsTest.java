package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.sse.SseEvent;
import dev.herald.server.metrics.HubMetrics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The endpoints the web UI relies on: /info, /metrics, the metrics topic and /dev/token.
 *
 * <p>Runs on the JUnit thread; SseClient readers run on their own.
 */
class UiEndpointsTest extends ServerTestBase {

  private static final Pattern PUBLISHER = Pattern.compile("\"publisher\":\"([^\"]+)\"");

  @Test
  void infoTellsThePageItsPortsAndWhichPanelsWork() throws Exception {
    HttpResponse<String> info = get("/info", Map.of());
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(info.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(info.body())
        .contains("\"ports\":[" + server.port() + "]")
        .contains("\"tlsPorts\":[]")
        .contains("\"intervalMillis\":200")
        .contains("\"topic\":\"urn:herald:metrics\"")
        .contains("\"developmentTokens\":false");
  }

  @Test
  void metricsAreServedInPrometheusTextFormat() throws Exception {
    publishOk("topic=t&data=1");
    HttpResponse<String> metrics = get("/metrics", Map.of());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    assertThat(metrics.body())
        .contains("# TYPE herald_events_published_total counter")
        .contains("herald_events_published_total 1.0")
        .contains("herald_subscriptions 0.0")
        .contains("herald_history_events 1.0")
        .contains("herald_delivery_latency_p99_seconds");
  }

  @Test
  void metricsServeMercureNamesJvmMetersAndALatencyHistogram() throws Exception {
    try (SseClient sub = SseClient.open(http, subscribeUri("t"), Map.of())) {
      publishOk("topic=t&data=1");
      assertThat(sub.next().data()).isEqualTo("1");
      // The stream records the latency after its write; the scrape may race it by a hair.
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(get("/metrics", Map.of()).body())
                      .contains("herald_delivery_latency_seconds_count 1")
                      .contains("mercure_updates_total 1.0"));
      String body = get("/metrics", Map.of()).body();
      assertThat(body)
          .contains("mercure_subscribers_connected 1.0")
          .contains("# TYPE mercure_subscribers_total counter")
          .contains("mercure_subscribers_total 1.0")
          .contains("mercure_updates_total 1.0")
          .contains("# TYPE herald_delivery_latency_seconds histogram")
          .contains("herald_delivery_latency_seconds_bucket{le=\"0.0001\"}")
          .contains("herald_delivery_latency_seconds_bucket{le=\"0.001\"}")
          .contains("herald_delivery_latency_seconds_bucket{le=\"10.0\"} 1")
          .contains("herald_delivery_latency_seconds_bucket{le=\"+Inf\"} 1")
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_gc_")
          .contains("jvm_threads_live_threads")
          .contains("process_cpu_usage")
          .contains("process_uptime_seconds")
          .contains("process_files_open_files")
          .contains("netty_allocator_memory_used{");
    }
  }

  @Test
  void anEmbeddingApplicationsRegistryGetsTheHubsMetersUntilClose() throws Exception {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry app =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    app.counter("app.orders").increment();
    server.close();
    server =
        HeraldServer.builder(config().build())
            .hub(new dev.herald.core.Hub(config().build().hub()))
            .meters(app)
            .start();
    base = "http://127.0.0.1:" + server.port();
    publishOk("topic=t&data=1");
    // The hub counts an event just after answering its publish: wait for the count.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> app.get("mercure.updates").functionCounter().count() == 1.0);
    assertThat(app.get("herald.events.published").functionCounter().count()).isEqualTo(1.0);
    assertThat(app.find("herald.delivery.latency").functionTimer()).isNotNull();
    assertThat(app.find("jvm.memory.used").meters())
        .as("JVM meters are the application's")
        .isEmpty();
    server.close();
    assertThat(app.find("mercure.updates").meters()).isEmpty();
    assertThat(app.find("herald.events.published").meters()).isEmpty();
    assertThat(app.get("app.orders").counter().count()).isEqualTo(1.0);
  }

  @Test
  void metricsCanBeTurnedOff() throws Exception {
    restart(config().metrics(false).build());
    assertThat(get("/metrics", Map.of()).statusCode()).isEqualTo(404);
    assertThat(get("/info", Map.of()).body()).contains("\"metrics\":null");
  }

  @Test
  void theMetricsTopicCarriesSnapshotsOnlyWhileWatchedAndMeasuresLatency() throws Exception {
    try (SseClient live = SseClient.open(http, subscribeUri("t"), Map.of());
        SseClient dashboard = SseClient.open(http, subscribeUri(HubMetrics.TOPIC), Map.of())) {
      publishOk("topic=t&data=1");
      assertThat(live.next().data()).isEqualTo("1");
      SseEvent first = dashboard.next();
      assertThat(first.data()).contains("\"subscriptions\":2", "\"streams\":2", "\"published\":1");
      // The snapshots are deliveries too, so the p99 soon has samples.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(dashboard.next().data())
                      .containsPattern("\"p99Millis\":\\d+\\.\\d{3}"));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openStreams() == 0);
    long published = server.hub().publishedEvents();
    // No watcher, no ticks: the count stays put for longer than two intervals.
    await()
        .during(Duration.ofMillis(2_500))
        .atMost(Duration.ofSeconds(4))
        .until(() -> server.hub().publishedEvents() == published);
  }

  @Test
  void developmentTokensAreOffByDefault() throws Exception {
    assertThat(get("/dev/token", Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void developmentTokensWorkAndAreOnlyGivenToTheHubsOwnPage() throws Exception {
    restart(config().developmentTokens(true).build());
    HttpResponse<String> answer = get("/dev/token", Map.of("Sec-Fetch-Site", "same-origin"));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("cache-control")).hasValue("no-store");
    Matcher token = PUBLISHER.matcher(answer.body());
    assertThat(token.find()).as(answer.body()).isTrue();
    try (SseClient sub = SseClient.open(http, subscribeUri("t"), Map.of())) {
      HttpResponse<String> published =
          publish(
              "topic=t&data=with-dev-token", Map.of("Authorization", "Bearer " + token.group(1)));
      assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
      assertThat(sub.next().data()).isEqualTo("with-dev-token");
    }
    assertThat(get("/dev/token", Map.of("Sec-Fetch-Site", "cross-site")).statusCode())
        .isEqualTo(403);
    assertThat(get("/dev/token", Map.of("Origin", "https://evil.example")).statusCode())
        .isEqualTo(403);
  }

  @Test
  void developmentTokensNeedAKeyTheHubCanSignWith() {
    ServerConfig.Builder noKey = config().publisherKey(null).developmentTokens(true);
    org.assertj.core.api.Assertions.assertThatThrownBy(noKey::build)
        .hasMessageContaining("development-tokens: publisher key is missing");
  }
}
