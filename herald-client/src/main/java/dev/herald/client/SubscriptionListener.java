package dev.herald.client;

import java.time.Duration;

/**
 * Receives what a {@link HeraldSubscriber} sees. Only {@link #onEvent} is required, so a lambda
 * will do; the other callbacks default to doing nothing.
 *
 * <p>Every callback runs on the subscriber's own thread, one at a time and in stream order; a slow
 * callback delays the next event (the hub cuts a subscriber off whose queue overflows, and the
 * subscriber then resumes with {@code Last-Event-ID}). A callback may call {@link
 * HeraldSubscriber#close()}. An exception thrown from {@link #onEvent}, {@link #onOpen} or {@link
 * #onEventsMayBeMissing} ends the connection and the subscriber reconnects, resuming before the
 * event whose callback threw, so it comes again; one from {@link #onDisconnect} stops the
 * subscriber.
 */
@FunctionalInterface
public interface SubscriptionListener {

  /** An event was dispatched. */
  void onEvent(ServerSentEvent event);

  /** A connection was accepted ({@code 200 text/event-stream}); events follow. */
  default void onOpen() {}

  /**
   * The hub did not know the id the subscriber resumed from ({@code Last-Event-ID}), typically
   * because its history no longer holds it: it replays what it retains, but events published
   * between {@code requestedLastEventId} and the oldest of those are lost to this subscriber.
   * Reload the state the events describe if that matters.
   */
  default void onEventsMayBeMissing(String requestedLastEventId) {}

  /**
   * The connection ended or could not be made; the subscriber reconnects after {@code reconnectIn}
   * with the last event id it saw.
   */
  default void onDisconnect(HeraldClientException reason, Duration reconnectIn) {}

  /**
   * The subscriber stopped for good: {@code reason} is null after {@link HeraldSubscriber#close()},
   * or the error that retrying cannot fix (a {@code 401}, {@code 403}, {@code 400}, {@code 404}, or
   * an answer that is not an event stream). Called once, last.
   */
  default void onClosed(HeraldClientException reason) {}
}
