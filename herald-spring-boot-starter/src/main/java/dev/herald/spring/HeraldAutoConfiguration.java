package dev.herald.spring;

import dev.herald.client.HeraldPublisher;
import dev.herald.client.HmacTokenMinter;
import dev.herald.client.Publication;
import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.server.auth.AccessDecider;
import dev.herald.server.trace.Tracing;
import dev.herald.spring.security.HeraldSecurityConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.util.ClassUtils;

/**
 * Herald for a Spring Boot application: a {@link HeraldPublisher} for a remote hub ({@code
 * herald.hub-url}), or an {@link EmbeddedHerald} ({@code herald.embedded.enabled=true}); a {@link
 * HeraldTemplate} publishing to whichever is configured; Actuator health for either. Runs on
 * Spring's start-up thread.
 */
@AutoConfiguration
@EnableConfigurationProperties(HeraldProperties.class)
@Import(HeraldSecurityConfiguration.class)
public class HeraldAutoConfiguration {

  /** How long an in-process publish may wait for the history (a durable one fsyncs). */
  private static final long EMBEDDED_PUBLISH_TIMEOUT_SECONDS = 30;

  @Bean
  @ConditionalOnProperty(prefix = "herald", name = "hub-url")
  @ConditionalOnMissingBean
  HeraldPublisher heraldPublisher(HeraldProperties properties) {
    if (properties.embedded().enabled()) {
      throw new HeraldConfigurationException(
          "herald.hub-url: "
              + properties.hubUrl()
              + " with herald.embedded.enabled=true (expected: one of them; the application"
              + " publishes to its embedded hub in-process)");
    }
    HeraldPublisher.Builder publisher = HeraldPublisher.builder(properties.hubUrl());
    if (properties.publisherToken() != null && properties.publisherKey() != null) {
      throw new HeraldConfigurationException(
          "herald.publisher-token and herald.publisher-key:" + " both set (expected: one of them)");
    }
    if (properties.publisherToken() != null) {
      publisher.token(properties.publisherToken());
    } else if (properties.publisherKey() != null) {
      HmacTokenMinter minter;
      try {
        minter = HmacTokenMinter.of(properties.publisherKeyAlgorithm(), properties.publisherKey());
      } catch (IllegalArgumentException e) {
        throw HeraldConfigurationException.of("herald", e);
      }
      publisher.token(
          minter.renewing(properties.publishTopics(), List.of(), properties.tokenTtl()));
    } else {
      throw new HeraldConfigurationException(
          "herald.publisher-token: missing (expected: a"
              + " publisher JWT, or herald.publisher-key to mint one from the hub's HMAC secret)");
    }
    return publisher.build();
  }

  @Bean(destroyMethod = "") // a lifecycle bean: stop() closes it, destroy() if never started
  @ConditionalOnProperty(prefix = "herald.embedded", name = "enabled", havingValue = "true")
  @ConditionalOnMissingBean
  EmbeddedHerald embeddedHerald(
      HeraldProperties properties,
      ObjectProvider<MeterRegistry> meters,
      ObjectProvider<OpenTelemetry> openTelemetry,
      ObjectProvider<AccessDecider> decider) {
    // The application's own OpenTelemetry, if it has one, traces the hub's publish requests too;
    // it stays the application's to configure and shut down.
    OpenTelemetry own = openTelemetry.getIfAvailable();
    // With Spring Security and a HeraldAccessPolicy, the application's sessions decide
    // (HeraldSecurityConfiguration); otherwise herald.embedded.auth-callback, if set.
    return new EmbeddedHerald(
        EmbeddedHubConfig.from(properties.embedded()).withDecider(decider.getIfAvailable()),
        meters.getIfAvailable(),
        own == null ? Tracing.OFF : Tracing.of(own));
  }

  @Bean
  @ConditionalOnMissingBean
  HeraldTemplate heraldTemplate(
      ObjectProvider<EmbeddedHerald> embedded,
      ObjectProvider<HeraldPublisher> remote,
      HeraldProperties properties,
      ObjectProvider<DataSource> dataSources) {
    HeraldTemplate.Outbox outbox = outbox(properties, dataSources);
    EmbeddedHerald hub = embedded.getIfAvailable();
    if (hub != null) {
      return new HeraldTemplate(
          publication -> publishInProcess(hub, publication),
          outbox,
          new HeraldTemplate.Position() {
            @Override
            public URI hubUrl() {
              return hub.hubUrl();
            }

            @Override
            public String lastEventId() {
              return hub.hub().lastEventId();
            }
          });
    }
    HeraldPublisher publisher = remote.getIfAvailable();
    if (publisher != null) {
      return new HeraldTemplate(
          publisher::publish,
          outbox,
          new HeraldTemplate.Position() {
            @Override
            public URI hubUrl() {
              return publisher.hubUrl();
            }

            @Override
            public String lastEventId() {
              return publisher.lastEventId();
            }
          });
    }
    return new HeraldTemplate(
        publication -> {
          throw new IllegalStateException(
              "herald: no hub configured (expected: herald.hub-url or"
                  + " herald.embedded.enabled=true)");
        },
        outbox);
  }

  /**
   * The outbox {@code publishInTransaction} writes to: the embedded hub's table, else {@code
   * herald.outbox-table}, through the application's DataSource when spring-jdbc is there.
   */
  private static HeraldTemplate.Outbox outbox(
      HeraldProperties properties, ObjectProvider<DataSource> dataSources) {
    if (!ClassUtils.isPresent(
        "org.springframework.jdbc.datasource.DataSourceUtils",
        HeraldAutoConfiguration.class.getClassLoader())) {
      return HeraldTemplate.NO_OUTBOX;
    }
    String embeddedTable = properties.embedded().outboxTable();
    try {
      return embeddedTable != null
          ? TransactionalOutbox.lazy(dataSources, embeddedTable)
          : TransactionalOutbox.lazy(dataSources, properties.outboxTable());
    } catch (IllegalArgumentException e) {
      throw HeraldConfigurationException.of(
          embeddedTable != null ? "herald.embedded" : "herald", e);
    }
  }

  private static String publishInProcess(EmbeddedHerald herald, Publication p) {
    Update update = new Update(p.topics(), p.data(), p.isPrivate(), p.id(), p.type(), p.retry());
    try {
      Event event =
          herald.hub().publish(update).get(EMBEDDED_PUBLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return event.id();
    } catch (ExecutionException e) {
      // HubException: the hub's typed error, with its one-line reason (a full history, ...)
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("herald: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "herald: the embedded hub did not store the update within "
              + EMBEDDED_PUBLISH_TIMEOUT_SECONDS
              + " s",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("herald: interrupted while publishing", e);
    }
  }

  /** Actuator's {@code herald} health component, when the application has Actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class Health {

    // Both are named heraldHealthIndicator, so Actuator shows the hub as "herald" either way;
    // the conditions are those of the beans above (nested classes are read before them).
    @Bean("heraldHealthIndicator")
    @ConditionalOnProperty(prefix = "herald.embedded", name = "enabled", havingValue = "true")
    @ConditionalOnMissingBean(name = "heraldHealthIndicator")
    HealthIndicator embeddedHealthIndicator(EmbeddedHerald herald) {
      return new EmbeddedHubHealthIndicator(herald);
    }

    @Bean("heraldHealthIndicator")
    @ConditionalOnProperty(prefix = "herald", name = "hub-url")
    @ConditionalOnMissingBean(name = "heraldHealthIndicator")
    HealthIndicator remoteHealthIndicator(HeraldPublisher publisher) {
      return new HubHealthIndicator(publisher.hubUrl());
    }
  }
}
