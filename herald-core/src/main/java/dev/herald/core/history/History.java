package dev.herald.core.history;

import dev.herald.core.Event;
import java.util.List;

/**
 * Where accepted events are kept so that a reconnecting subscriber can resume after the last id it
 * saw. Sequences start at 1 and grow by one per event; 0 means "before the first event".
 *
 * <p>Threading: {@link #append} and {@link #sequenceOf} are called by the hub's dispatcher thread
 * only; {@link #read} may be called from any thread (subscribers replay on their own event loop).
 */
public interface History extends AutoCloseable {

  /** Stores an event whose sequence is one more than the last appended. */
  void append(Event event);

  /**
   * Up to {@code max} retained events with {@code afterSequence < sequence <= upToSequence}, oldest
   * first. Events already pruned are skipped, so the first returned may be later than asked for.
   */
  List<Event> read(long afterSequence, long upToSequence, int max);

  /** The sequence of the retained event with this id, or -1 if it is unknown or pruned. */
  long sequenceOf(String id);

  /** The sequence of the newest event stored, or 0 when nothing was ever stored. */
  long lastSequence();

  /** The id of the newest retained event, or null when none is retained. */
  String lastId();

  @Override
  default void close() {}
}
