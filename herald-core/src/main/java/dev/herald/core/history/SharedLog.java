package dev.herald.core.history;

import dev.herald.core.Event;
import dev.herald.core.Readiness;
import dev.herald.core.Update;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A history several hubs share, so a cluster has one order of events: every hub appends to it, and
 * every hub, the publisher's included, fans out only what its own tail of the log delivers.
 * Appending therefore stores an event without delivering it; a subscriber's replay reads the log up
 * to the last event its hub's tail delivered, and its live events are the ones delivered after, so
 * it sees no gap and no duplicate whichever hub it is connected to.
 *
 * <p>Only what a shared log can do without blocking is here: there is no synchronous append or
 * lookup a hub could call by mistake on an event loop.
 *
 * <p>Threading: {@link #appendShared} and {@link #findSequence} are called by the hub's dispatcher,
 * possibly on an event loop, and must not block; {@link #startTail} is called once at start-up and
 * may block until the log answers; the tail calls its {@link Listener} from the log's own thread,
 * one call at a time; {@link #read} runs on {@link #readExecutor()}; {@link #readiness} and {@link
 * #retained} are safe from any thread.
 */
public interface SharedLog extends ReplaySource, AutoCloseable {

  /**
   * Appends the updates, ids already assigned, as one batch that is stored whole or not at all, and
   * assigns their sequences there, contiguous and in this order. An update whose id the log already
   * retains (a publisher's retry), or that an earlier update of the batch has, is not stored again:
   * it gets the sequence of the event stored with that id, checked in the same atomic step as the
   * append, so two hubs retrying one publish at once store it once.
   *
   * @return completes with the sequence of each update (same index) once the batch is as durable as
   *     the log promises, or fails (with a {@link dev.herald.core.HubException} of kind UNAVAILABLE
   *     when the log cannot be reached); the updates are delivered by the tail, not here
   */
  CompletableFuture<long[]> appendShared(List<Update> updates);

  /**
   * {@link #appendShared(List)}, carrying each update's trace context to every hub's tail, so the
   * fan-out on each node joins the trace of the publish (a log that cannot carry them drops them).
   *
   * @param traceContexts a W3C {@code traceparent} per update (same index, null for an untraced
   *     one), or null when none is traced
   */
  default CompletableFuture<long[]> appendShared(List<Update> updates, String[] traceContexts) {
    return appendShared(updates);
  }

  /** The sequence of the retained event with this id, or -1 if it is unknown or pruned. */
  CompletableFuture<Long> findSequence(String id);

  /**
   * Starts tailing the log after its newest event and returns that event's sequence (0 for an empty
   * log); from then on {@code listener} receives every later event, in the log's order. Called
   * once, at start-up; may block until the log answers.
   */
  long startTail(Listener listener);

  /** Whether the log is reachable and the tail is close enough behind it to serve subscribers. */
  Readiness readiness();

  /** How many events the log retains, for monitoring; -1 when it cannot tell without asking. */
  default long retained() {
    return -1;
  }

  /**
   * How long this hub's tail has been behind the log, in nanoseconds: 0 while it keeps up, -1 when
   * the log cannot tell.
   */
  default long tailLagNanos() {
    return -1;
  }

  /** Stops the tail and releases the log's connections. */
  @Override
  void close();

  /** What the tail hands to the hub. Called from the tail's thread only, one call at a time. */
  interface Listener {

    /**
     * The next events of the log, oldest first, following the last delivered (or the position after
     * a {@link #gap}) without a hole. May wait while the hub is busy.
     */
    void deliver(List<Event> events);

    /**
     * {@link #deliver(List)}, with the trace context each event was appended with.
     *
     * @param traceContexts a W3C {@code traceparent} per event (same index, null for an untraced
     *     one), or null when none is traced
     */
    default void deliver(List<Event> events, String[] traceContexts) {
      deliver(events);
    }

    /**
     * Events after the last delivered one can no longer be delivered (trimmed before this tail read
     * them, or the log was reset); the next {@link #deliver} follows {@code resumeAfter}.
     * Subscribers that were waiting for them must reconnect, so they learn from {@code
     * Last-Event-ID: earliest} that events may be missing.
     */
    void gap(long resumeAfter, String reason);
  }
}
