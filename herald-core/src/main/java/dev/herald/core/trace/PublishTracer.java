package dev.herald.core.trace;

import dev.herald.core.Event;
import dev.herald.core.Update;

/**
 * What the dispatcher tells a tracer about one publish on its way through the hub: accepted,
 * appended to the log, fanned out by each delivery loop. The one seam between the dispatch core and
 * a tracing library, which core does not depend on.
 *
 * <p>{@link #accepted} hands out an opaque trace context; the dispatcher carries it with the
 * publish (and its event) and passes it back to {@link #appended} and {@link #fannedOut}. A null
 * context means the publish is not traced: the dispatcher then makes no further call for it, so
 * with {@link #OFF} a publish costs one call that returns null and allocates nothing.
 *
 * <p>Threading: {@link #accepted} runs on the publisher's thread, inside {@code Hub.publish};
 * {@link #appended} and {@link #propagate} on the dispatcher's drain; {@link #received} on a shared
 * log's tail thread; {@link #fannedOut} on the delivery loop that offered the event to its
 * subscribers. Implementations must be safe from all of them at once and must not block.
 */
public interface PublishTracer {

  /** Where a batch was appended. */
  enum Log {
    /** This hub's memory history. */
    MEMORY,
    /** This hub's durable history: the append is a commit to disk. */
    DURABLE,
    /** A log several hubs share (Redis): the append is acknowledged by the log. */
    SHARED
  }

  /** Traces nothing: {@link #accepted} returns null, the other calls never happen. */
  PublishTracer OFF = new PublishTracer() {};

  /**
   * The hub accepted {@code update} (its id assigned) and is about to queue it. Called on the
   * publisher's thread, so an implementation may take the context from that thread (the edge's
   * publish span, or an embedding application's own span around {@code Hub.publish}).
   *
   * @return the trace context to carry with this publish, or null when it is not traced
   */
  default Object accepted(Update update) {
    return null;
  }

  /**
   * The batch holding a traced publish was appended (committed, for a durable log; acknowledged,
   * for a shared one), or failed to be. Called once per traced publish of the batch, after the
   * append returned or its future completed.
   *
   * @param trace what {@link #accepted} returned for this publish, never null
   * @param event the stored event (its sequence assigned), or null when the append failed
   * @param batchSize how many publishes the batch held, traced or not
   * @param startNanos {@link System#nanoTime()} when the append started
   * @param failure why the append failed, or null
   */
  default void appended(
      Object trace, Event event, int batchSize, Log log, long startNanos, Throwable failure) {}

  /**
   * A delivery loop offered a traced event to its matching subscribers. Called once per loop that
   * fanned the event out (one aggregate call, never one per subscriber).
   *
   * @param trace what {@link #accepted} returned for the event's publish, never null
   * @param offered how many subscribers of this loop were offered the event
   * @param cutAsSlow how many of them were cut off because their queue was full
   * @param startNanos {@link System#nanoTime()} when this loop started fanning the event out
   */
  default void fannedOut(Object trace, Event event, int offered, int cutAsSlow, long startNanos) {}

  /**
   * The trace context of a traced publish as a W3C {@code traceparent}, for a log several hubs
   * share to carry to every hub's tail. Called on the dispatcher's drain.
   *
   * @param trace what {@link #accepted} returned, never null
   * @return the header value, or null when it cannot be propagated
   */
  default String propagate(Object trace) {
    return null;
  }

  /**
   * This hub's tail of a shared log read an event appended with a trace context (possibly by
   * another hub). Called on the log's tail thread, once per such event.
   *
   * @param traceparent what {@link #propagate} gave the appending hub, never null
   * @return the trace context for this hub's fan-out of the event, or null when it is not traced
   */
  default Object received(Event event, String traceparent) {
    return null;
  }
}
