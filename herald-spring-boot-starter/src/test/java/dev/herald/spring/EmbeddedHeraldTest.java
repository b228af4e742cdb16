package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.client.Publication;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The embedded hub as a Spring application sees it: started by the context, published to through
 * the template, seen by a plain HTTP subscriber, measured in the application's registry, and
 * stopped gracefully with the context. Runs on the JUnit thread; each subscriber reads on its own.
 */
class EmbeddedHeraldTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
          .withPropertyValues(
              "herald.embedded.enabled=true",
              "herald.embedded.listen=127.0.0.1:0",
              "herald.embedded.warm-up=0");

  private static URI subscribe(EmbeddedHerald herald, String topic) {
    return URI.create("http://127.0.0.1:" + herald.port() + "/.well-known/mercure?topic=" + topic);
  }

  @Test
  void aPublishThroughTheTemplateReachesAnHttpSubscriber() {
    runner.run(
        context -> {
          EmbeddedHerald herald = context.getBean(EmbeddedHerald.class);
          assertThat(herald.isRunning()).isTrue();
          try (SseLines sub = SseLines.open(subscribe(herald, "books"))) {
            assertThat(sub.response.statusCode()).isEqualTo(200);
            assertThat(sub.response.headers().firstValue("content-type"))
                .hasValue("text/event-stream");
            String id =
                context
                    .getBean(HeraldTemplate.class)
                    .publish(Publication.to("books").data("a new title").id("urn:book:1").build());
            assertThat(id).isEqualTo("urn:book:1");
            assertThat(sub.next("id:")).isEqualTo("id: urn:book:1");
            assertThat(sub.next("data:")).isEqualTo("data: a new title");
          }
        });
  }

  @Test
  void aPausedContextKeepsItsHubRunning() {
    runner.run(
        context -> {
          EmbeddedHerald herald = context.getBean(EmbeddedHerald.class);
          int port = herald.port();
          context.pause(); // what Spring's test context cache does to a context it keeps
          context.restart();
          assertThat(herald.isRunning()).isTrue();
          assertThat(herald.port()).isEqualTo(port);
          try (SseLines sub = SseLines.open(subscribe(herald, "books"))) {
            assertThat(sub.response.statusCode()).isEqualTo(200);
          }
        });
  }

  @Test
  void closingTheContextEndsStreamsWithARetryHint() throws Exception {
    SseLines[] sub = new SseLines[1];
    runner.run(
        context -> {
          EmbeddedHerald herald = context.getBean(EmbeddedHerald.class);
          sub[0] = SseLines.open(subscribe(herald, "books"));
          context.getBean(HeraldTemplate.class).publish(Publication.of("books", "1"));
          assertThat(sub[0].next("data:")).isEqualTo("data: 1");
        });
    try (SseLines stream = sub[0]) {
      assertThat(stream.next("retry:")).matches("retry: \\d+");
      assertThat(stream.next(SseLines.EOF)).isEqualTo(SseLines.EOF);
    }
  }

  @Test
  void theHubsMetersGoToTheApplicationsRegistry() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              context.getBean(HeraldTemplate.class).publish(Publication.of("books", "1"));
              MeterRegistry meters = context.getBean(MeterRegistry.class);
              // The hub counts an event just after completing its publish: wait for the count.
              await()
                  .atMost(Duration.ofSeconds(5))
                  .until(() -> meters.get("mercure.updates").functionCounter().count() == 1.0);
              assertThat(meters.get("herald.events.published").functionCounter().count())
                  .isEqualTo(1.0);
            });
  }

  @Test
  void healthIsUpWhileTheHubListens() {
    runner.run(
        context -> {
          HealthIndicator health = context.getBean("heraldHealthIndicator", HealthIndicator.class);
          assertThat(health.health().getStatus()).isEqualTo(Status.UP);
          assertThat(health.health().getDetails()).containsEntry("reason", "ready");
          context.getBean(EmbeddedHerald.class).stop();
          assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
          assertThat(health.health().getDetails()).containsEntry("reason", "stopped");
        });
  }

  @Test
  void healthIsOutOfServiceWhileTheHubWarmsUp() {
    // Longer than the test: only stopping the context ends this warm-up, never the wall clock.
    runner
        .withPropertyValues("herald.embedded.warm-up=5m")
        .run(
            context -> {
              HealthIndicator health =
                  context.getBean("heraldHealthIndicator", HealthIndicator.class);
              assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
              assertThat((String) health.health().getDetails().get("reason"))
                  .startsWith("warming up");
            });
  }

  @Test
  void theEmbeddedHubStopsBeforeTheWebServersGracefulShutdown() {
    // A higher phase stops first: Boot's graceful shutdown is DEFAULT_PHASE - 1024.
    assertThat(EmbeddedHerald.PHASE).isGreaterThan(Integer.MAX_VALUE - 1024);
  }

  @Test
  void aDurableHistoryOutlivesTheApplication(@TempDir Path data) {
    ApplicationContextRunner durable =
        runner.withPropertyValues(
            "herald.embedded.history=durable",
            "herald.embedded.data-dir=" + data,
            "herald.embedded.fsync=always");
    durable.run(
        context ->
            context
                .getBean(HeraldTemplate.class)
                .publish(Publication.to("books").data("kept").id("urn:kept").build()));
    durable.run(
        context -> {
          EmbeddedHerald herald = context.getBean(EmbeddedHerald.class);
          assertThat(herald.hub().lastEventId()).isEqualTo("urn:kept");
          // A subscriber of the new run replays what the previous run published.
          try (SseLines sub =
              SseLines.open(URI.create(subscribe(herald, "books") + "&lastEventID=earliest"))) {
            assertThat(sub.next("id:")).isEqualTo("id: urn:kept");
            assertThat(sub.next("data:")).isEqualTo("data: kept");
          }
        });
  }

  @Test
  void withoutTheFlagThereIsNoHub() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
        .run(
            context ->
                assertThat(context)
                    .doesNotHaveBean(EmbeddedHerald.class)
                    .doesNotHaveBean("heraldHealthIndicator"));
  }
}
