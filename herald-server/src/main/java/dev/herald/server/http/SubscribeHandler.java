package dev.herald.server.http;

import dev.herald.core.auth.Grants;
import dev.herald.core.sse.MatchField;
import dev.herald.core.sse.SseFrame;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.metrics.MetricsPublisher;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /.well-known/mercure}: the selectors and resume point the request's dialect names, the
 * subscriber's claims from the authorizer (at once from a token, later from the authorization
 * callback), whether it asked for the {@code herald-match} field, then an event stream. Immutable;
 * runs on the channel's event loop.
 */
final class SubscribeHandler implements RouteHandler {

  private final Authorizer authorizer;
  private final EventStreams streams;

  /** Null when metrics are off. */
  private final MetricsPublisher metricsPublisher;

  SubscribeHandler(Authorizer authorizer, EventStreams streams, MetricsPublisher metricsPublisher) {
    this.authorizer = authorizer;
    this.streams = streams;
    this.metricsPublisher = metricsPublisher;
  }

  @Override
  public void handle(Exchange exchange) {
    ProtocolDialect dialect = exchange.dialect();
    ProtocolDialect.SubscribeRequest asked =
        dialect.subscribeRequest(exchange.headers(), exchange.query());
    CompletionStage<Grants> grants = authorizer.subscriberFor(exchange, asked.selectors());
    boolean matchField = matchFieldRequested(exchange);
    exchange.whenDecided(
        grants, claims -> open(exchange, dialect, asked, claims, matchField), HttpError::of);
  }

  private void open(
      Exchange exchange,
      ProtocolDialect dialect,
      ProtocolDialect.SubscribeRequest asked,
      Grants claims,
      boolean matchField) {
    if (!exchange.connected()) {
      return; // gone while the application decided: nothing to open, nothing to answer
    }
    Runnable onClose = () -> {};
    if (metricsPublisher != null
        && asked.selectors().stream()
            .anyMatch(selector -> selector.raw().equals(HubMetrics.TOPIC))) {
      // The figures are published only while someone watches them.
      metricsPublisher.streamOpened();
      onClose = metricsPublisher::streamClosed;
    }
    streams.open(
        exchange,
        new EventStreams.Request(
            asked.selectors(),
            claims,
            Authorizer.privateSelectors(dialect, claims),
            asked.lastEventId(),
            dialect.lastEventIdHeader(),
            SseFrame.OPEN_COMMENT,
            onClose,
            matchField,
            dialect.subscriptionFormat()));
  }

  /** Herald's own extension, the same under every protocol draft: see {@link MatchField}. */
  private static boolean matchFieldRequested(Exchange exchange) {
    try {
      return MatchField.requested(exchange.query().get(MatchField.QUERY_PARAMETER));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
  }
}
