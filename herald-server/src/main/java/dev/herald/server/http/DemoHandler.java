package dev.herald.server.http;

import dev.herald.core.auth.Claims;
import dev.herald.core.sse.SseFrame;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.demo.DemoClock;
import java.util.List;

/**
 * {@code GET /sse}: the classic SSE demo, the demo clock's ticks for anyone. Plain SSE rather than
 * Mercure, so it resumes with the standard {@code Last-Event-ID} header whatever dialect a hub
 * request would speak. Immutable; runs on the channel's event loop.
 */
final class DemoHandler implements RouteHandler {

  static final String PATH = "/sse";
  private static final String LAST_EVENT_ID = "Last-Event-ID";

  private final DemoClock clock;
  private final EventStreams streams;

  DemoHandler(DemoClock clock, EventStreams streams) {
    this.clock = clock;
    this.streams = streams;
  }

  @Override
  public void handle(Exchange exchange) {
    clock.streamOpened();
    streams.open(
        exchange,
        new EventStreams.Request(
            List.of(TopicSelector.of(DemoClock.TOPIC)),
            Claims.anonymous(),
            List.of(),
            exchange.headers().get(LAST_EVENT_ID),
            LAST_EVENT_ID,
            SseFrame.message("connected"),
            clock::streamClosed,
            false,
            exchange.dialect().subscriptionFormat()));
  }
}
