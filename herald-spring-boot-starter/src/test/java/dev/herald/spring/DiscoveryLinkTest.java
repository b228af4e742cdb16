package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.HeraldClientException;
import dev.herald.client.LinkHeader;
import dev.herald.client.Publication;
import dev.herald.core.auth.JwtKey;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@link HeraldTemplate#discoveryLink()}: the one value a controller adds as its response's {@code
 * Link}, for the embedded hub (read from memory) and a remote one (one request with the publisher
 * token), both real. Runs on the JUnit thread.
 */
class DiscoveryLinkTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class));

  @Test
  void theEmbeddedHubsLinkCarriesItsPosition() {
    runner
        .withPropertyValues(
            "herald.embedded.enabled=true",
            "herald.embedded.listen=127.0.0.1:0",
            "herald.embedded.warm-up=0")
        .run(
            context -> {
              HeraldTemplate herald = context.getBean(HeraldTemplate.class);
              EmbeddedHerald hub = context.getBean(EmbeddedHerald.class);
              String url = "http://localhost:" + hub.port() + "/.well-known/mercure";
              assertThat(herald.discoveryLink())
                  .isEqualTo("<" + url + ">; rel=\"mercure\"; last-event-id=\"earliest\"");
              String id = herald.publish(Publication.of("books", "a"));
              String link = herald.discoveryLink();
              assertThat(LinkHeader.mercureLastEventId(List.of(link))).isEqualTo(id);
              assertThat(herald.lastEventId()).isEqualTo(id);
              assertThat(
                      herald.discoveryLink(URI.create("https://hub.example/.well-known/mercure")))
                  .startsWith("<https://hub.example/.well-known/mercure>; rel=\"mercure\"");
            });
  }

  @Test
  void aRemoteHubsLinkIsReadOverHttpWithThePublisherToken() throws Exception {
    JwtKey key = JwtKey.parse("HS256", SECRET);
    try (HeraldServer remote =
        HeraldServer.start(
            ServerConfig.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .publisherKey(key)
                .subscriberKey(key)
                .demo(false)
                .build())) {
      String url = "http://127.0.0.1:" + remote.port() + "/.well-known/mercure";
      runner
          .withPropertyValues("herald.hub-url=" + url, "herald.publisher-key=" + SECRET)
          .run(
              context -> {
                HeraldTemplate herald = context.getBean(HeraldTemplate.class);
                String id = herald.publish(Publication.of("books", "remote"));
                assertThat(herald.discoveryLink())
                    .isEqualTo("<" + url + ">; rel=\"mercure\"; last-event-id=\"" + id + "\"");
              });
      runner
          .withPropertyValues(
              "herald.hub-url=" + url, "herald.publisher-key=not-the-hubs-secret-but-long-enough")
          .run(
              context ->
                  assertThatThrownBy(() -> context.getBean(HeraldTemplate.class).discoveryLink())
                      .isInstanceOfSatisfying(
                          HeraldClientException.class, e -> assertThat(e.status()).isEqualTo(401)));
    }
  }

  @Test
  void withoutAHubItSaysWhatIsMissing() {
    runner.run(
        context ->
            assertThatThrownBy(() -> context.getBean(HeraldTemplate.class).discoveryLink())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("herald.hub-url"));
  }
}
