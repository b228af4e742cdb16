package dev.herald.core.history;

import dev.herald.core.Event;
import java.util.List;

/**
 * This hub's own store of accepted events, so that a reconnecting subscriber can resume after the
 * last id it saw. Sequences start at 1 and grow by one per event; 0 means "before the first event".
 *
 * <p>Threading: {@link #append}, {@link #sequenceOf}, {@link #lastSequence} and {@link #lastId} are
 * called by the hub's dispatcher, one call at a time: on its own thread, or on the publishing event
 * loop when {@link #neverBlocks()} says so; {@link #read} runs on {@link #readExecutor()}.
 */
public interface History extends ReplaySource, AutoCloseable {

  /**
   * Stores events whose sequences follow the last appended one without a gap, and returns once they
   * are as durable as the store promises: all of them or none.
   */
  void append(List<Event> events);

  /** The sequence of the retained event with this id, or -1 if it is unknown or pruned. */
  long sequenceOf(String id);

  /** The sequence of the newest event stored, or 0 when nothing was ever stored. */
  long lastSequence();

  /** The id of the newest retained event, or null when none is retained. */
  String lastId();

  /**
   * How many events are retained right now, for monitoring; -1 when the store cannot tell cheaply.
   * Any thread.
   */
  default long retained() {
    return -1;
  }

  /**
   * Whether {@link #append}, {@link #sequenceOf} and {@link #lastSequence} return without waiting
   * for a disk, the network or a lock. The hub then orders and fans out a publish on the thread
   * that publishes it (an event loop), without a hand-off to its dispatcher thread; otherwise those
   * calls stay on the dispatcher thread, where they may block.
   */
  default boolean neverBlocks() {
    return false;
  }

  @Override
  default void close() {}
}
