package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.HeraldClientException;
import dev.herald.client.HeraldPublisher;
import dev.herald.client.Publication;
import dev.herald.core.auth.JwtKey;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter against a hub in another process's place: a real Herald on a loopback port, reached
 * over HTTP with a token the starter mints from the key. Runs on the JUnit thread.
 */
class RemoteHubTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";

  private HeraldServer hub;
  private ApplicationContextRunner runner;

  @BeforeEach
  void startHub() throws Exception {
    JwtKey key = JwtKey.parse("HS256", SECRET);
    hub =
        HeraldServer.start(
            ServerConfig.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .publisherKey(key)
                .subscriberKey(key)
                .demo(false)
                .build());
    runner =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
            .withPropertyValues("herald.hub-url=" + hubUrl(), "herald.publisher-key=" + SECRET);
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  private String hubUrl() {
    return "http://127.0.0.1:" + hub.port() + "/.well-known/mercure";
  }

  @Test
  void theTemplatePublishesOverHttpWithAMintedToken() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(HeraldPublisher.class);
          try (SseLines sub = SseLines.open(URI.create(hubUrl() + "?topic=books"))) {
            String id =
                context.getBean(HeraldTemplate.class).publish(Publication.of("books", "remote"));
            assertThat(id).isNotBlank();
            assertThat(sub.next("id:")).isEqualTo("id: " + id);
            assertThat(sub.next("data:")).isEqualTo("data: remote");
          }
        });
  }

  @Test
  void theHubsReasonReachesTheCaller() {
    runner
        .withPropertyValues("herald.publish-topics=other")
        .run(
            context ->
                assertThatThrownBy(
                        () ->
                            context
                                .getBean(HeraldTemplate.class)
                                .publish(Publication.of("books", "x")))
                    .isInstanceOf(HeraldClientException.class)
                    .hasMessageContaining("403"));
  }

  @Test
  void healthFollowsTheHub() {
    runner.run(
        context -> {
          HealthIndicator health = context.getBean("heraldHealthIndicator", HealthIndicator.class);
          assertThat(health.health().getStatus()).isEqualTo(Status.UP);
          hub.close();
          assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.health().getDetails()).containsKey("error");
        });
  }
}
