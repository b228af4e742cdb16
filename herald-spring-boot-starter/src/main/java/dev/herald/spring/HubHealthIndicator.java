package dev.herald.spring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator's view of a remote hub: UP when its {@code /healthz} (a sibling of {@code
 * /.well-known/mercure}, served by Herald and by the Mercure hub) answers 200 within the timeout.
 * Called on Actuator's request threads; each call makes one bounded request.
 */
final class HubHealthIndicator implements HealthIndicator {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final URI healthz;
  private final HttpClient http;

  HubHealthIndicator(URI hubUrl) {
    this.healthz = hubUrl.resolve("/healthz");
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  @Override
  public Health health() {
    HttpRequest request = HttpRequest.newBuilder(healthz).timeout(TIMEOUT).GET().build();
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      Health.Builder health = status == 200 ? Health.up() : Health.down();
      return health.withDetail("url", healthz.toString()).withDetail("status", status).build();
    } catch (IOException e) {
      return Health.down()
          .withDetail("url", healthz.toString())
          .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
          .build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.unknown().withDetail("url", healthz.toString()).build();
    }
  }
}
