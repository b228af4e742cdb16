package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.sse.SseFrame;
import java.util.concurrent.CompletableFuture;

/**
 * A publish waiting for its place in the hub's order: the update, when it was published, the
 * publisher's answer, the loop it is answered on (null: wherever the batch is committed), its trace
 * context (null: not traced) and whether the publisher chose the id (only then may it be a retry of
 * an event already stored: an id the hub generated is new). Immutable; the future completes once,
 * from the dispatcher, the log or the publisher's loop.
 */
record Publish(
    Update update,
    long publishedNanos,
    CompletableFuture<Event> done,
    DeliveryLoop replyOn,
    Object trace,
    boolean idChosen) {

  private static final byte[] NOT_ENCODED = new byte[0];

  /** The event this publish becomes at {@code sequence}, its SSE bytes encoded (once, here). */
  Event at(long sequence) {
    return new Event(sequence, update, SseFrame.encode(update), publishedNanos);
  }

  /**
   * The event as the publisher learns of it from a shared log: without SSE bytes, which each hub's
   * tail encodes once for its own subscribers.
   */
  Event stored(long sequence) {
    return new Event(sequence, update, NOT_ENCODED, publishedNanos);
  }
}
