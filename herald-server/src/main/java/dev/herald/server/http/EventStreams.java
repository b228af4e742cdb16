package dev.herald.server.http;

import dev.herald.core.Hub;
import dev.herald.core.HubException;
import dev.herald.core.auth.Grants;
import dev.herald.core.dispatch.Subscription;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.metrics.LatencyRecorder;
import dev.herald.server.sse.OpenStreams;
import dev.herald.server.sse.SseStream;
import dev.herald.server.sse.StreamTimers;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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
   * What one stream is: its selectors, grants (and the private selectors they give, checked by the
   * {@link Authorizer}), resume point and first bytes: everything the stream needs, resolved before
   * it opens.
   *
   * @param matchField whether each event carries the {@code herald-match} field (herald.js)
   */
  record Request(
      List<TopicSelector> topics,
      Grants claims,
      List<TopicSelector> privateSelectors,
      String lastEventId,
      String lastEventIdHeader,
      byte[] greeting,
      Runnable onClose,
      boolean matchField,
      SubscriptionFormat format) {}

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

  /**
   * Opens the stream: builds it with everything it needs (its subscriber among them), registers the
   * subscriber with the hub and hands the connection to the stream; once the hub has registered it
   * (later, on the lane of this loop), starts the stream, or answers the refusal as every error is
   * answered. {@code onClose} runs once, whether it opens or fails.
   */
  void open(Exchange exchange, Request request) {
    ChannelHandlerContext ctx = exchange.ctx();
    SseStream stream;
    CompletableFuture<Subscription> registered;
    try {
      stream =
          new SseStream(
              ctx,
              hub,
              (loop, wakeup) ->
                  hub.newSubscriberOf(
                      request.topics(),
                      request.privateSelectors(),
                      payloads(request),
                      request.format(),
                      loop,
                      wakeup),
              options(request));
      registered = hub.subscribe(stream.subscriber(), request.lastEventId());
    } catch (HubException e) {
      request.onClose().run();
      throw e;
    }
    registered.whenComplete(
        (subscription, failure) -> {
          // The loop's lane registers the stream on this loop: go on at once, no second task.
          if (ctx.executor().inEventLoop()) {
            registered(exchange, stream, subscription, failure);
          } else {
            ctx.executor().execute(() -> registered(exchange, stream, subscription, failure));
          }
        });
    exchange.streamOpened(stream);
  }

  private SseStream.Options options(Request request) {
    return new SseStream.Options(
        request.lastEventIdHeader(),
        request.claims().expiresAt(),
        timers,
        request.greeting(),
        new DefaultHttpHeaders().set("link", Responses.DISCOVERY_LINK),
        clock,
        registry,
        latency,
        request.onClose(),
        request.matchField());
  }

  /** On the stream's event loop, once the hub has answered the registration. */
  private static void registered(
      Exchange exchange, SseStream stream, Subscription subscription, Throwable failure) {
    if (failure == null) {
      stream.start(subscription);
    } else if (stream.closeQuietly()) {
      exchange.streamFailed(HttpError.of(failure)); // still connected: answer it as any error
    }
  }
}
