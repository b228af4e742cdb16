package dev.herald.spring;

import dev.herald.core.Readiness;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator's view of the embedded hub: UP while it listens and is ready (its own {@code /readyz}
 * answer), OUT_OF_SERVICE before start, after stop or while unready, with the reason. Add it to the
 * readiness probe with {@code management.endpoint.health.group.readiness.include=
 * readinessState,herald}. Safe from any thread; never blocks.
 */
final class EmbeddedHubHealthIndicator implements HealthIndicator {

  private final EmbeddedHerald herald;

  EmbeddedHubHealthIndicator(EmbeddedHerald herald) {
    this.herald = herald;
  }

  @Override
  public Health health() {
    Readiness readiness = herald.readiness();
    Health.Builder health = readiness.ready() ? Health.up() : Health.outOfService();
    health.withDetail("reason", readiness.reason());
    if (herald.isRunning()) {
      health
          .withDetail("addresses", herald.boundAddresses().toString())
          .withDetail("subscribers", herald.hub().subscriberCount());
    }
    return health.build();
  }
}
