package dev.herald.server.http;

import dev.herald.core.Hub;
import dev.herald.core.HubException;
import dev.herald.core.auth.Grants;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.metrics.LatencyRecorder;
import dev.herald.server.sse.OpenStreams;
import dev.herald.server.sse.SseStream;
import dev.herald.server.sse.StreamTimers;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the event streams of the subscribe and demo handlers: the stream takes the connection over,
 * and a failure before its headers are sent becomes an error response. Immutable; called on the
 * channel's event loop.
 */
final class EventStreams {

  private final Hub hub;
  private final StreamTimers timers;
  private final Clock clock;
  private final OpenStreams registry;
  private final LatencyRecorder latency;

  EventStreams(
      Hub hub, StreamTimers timers, Clock clock, OpenStreams registry, LatencyRecorder latency) {
    this.hub = hub;
    this.timers = timers;
    this.clock = clock;
    this.registry = registry;
    this.latency = latency;
  }

  /**
   * What one stream is: its selectors, grants, resume point and first bytes.
   *
   * @param matchField whether each event carries the {@code herald-match} field (herald.js)
   */
  record Request(
      List<TopicSelector> topics,
      Grants claims,
      String lastEventId,
      String lastEventIdHeader,
      byte[] greeting,
      Runnable onClose,
      boolean matchField) {}

  /** An empty draft-07 selector in the token's claim makes it invalid, as before. */
  private static List<TopicSelector> privateSelectors(Exchange exchange, Grants claims) {
    try {
      return claims.privateSelectors();
    } catch (IllegalArgumentException e) {
      throw exchange
          .dialect()
          .rejection(ProtocolDialect.AuthFailure.INVALID, "token grants " + e.getMessage());
    }
  }

  /**
   * Each subscription's payload: draft-08 grants attach one per matcher (that of the subscribe
   * grant covering it), a draft-07 token one for all.
   */
  private static List<Object> payloads(Request request) {
    List<Object> payloads = new ArrayList<>(request.topics().size());
    for (TopicSelector selector : request.topics()) {
      payloads.add(request.claims().payloadFor(List.of(selector)));
    }
    return payloads;
  }

  /** Opens the stream; {@code onClose} runs once, whether it opens or fails. */
  void open(Exchange exchange, Request request) {
    HttpHeaders extra = new DefaultHttpHeaders().set("link", Responses.DISCOVERY_LINK);
    SseStream.Options options =
        new SseStream.Options(
            exchange.dialect().subscriptionFormat(),
            request.lastEventId(),
            request.lastEventIdHeader(),
            request.claims().expiresAt(),
            timers,
            request.greeting(),
            extra,
            clock,
            registry,
            latency,
            request.onClose(),
            request.matchField());
    try {
      exchange.streamOpened(
          SseStream.open(
              exchange.ctx(),
              hub,
              request.topics(),
              privateSelectors(exchange, request.claims()),
              payloads(request),
              options,
              failure -> exchange.streamFailed(HttpError.of(failure))));
    } catch (HubException e) {
      request.onClose().run();
      throw e;
    }
  }
}
