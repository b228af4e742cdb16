package dev.herald.core.history;

import dev.herald.core.Event;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Where accepted events are kept so that a reconnecting subscriber can resume after the last id it
 * saw. Sequences start at 1 and grow by one per event; 0 means "before the first event".
 *
 * <p>Threading: {@link #append}, {@link #sequenceOf} and {@link #lastSequence} are called by the
 * hub's dispatcher thread only; {@link #read} runs on {@link #readExecutor()}, never on an event
 * loop unless the store says its reads cannot block.
 */
public interface History extends AutoCloseable {

  /**
   * Stores events whose sequences follow the last appended one without a gap, and returns once
   * they are as durable as the store promises: all of them or none.
   */
  void append(List<Event> events);

  /**
   * Up to {@code max} retained events with {@code afterSequence < sequence <= upToSequence}, oldest
   * first. Events already pruned are skipped, so the first returned may be later than asked for.
   */
  List<Event> read(long afterSequence, long upToSequence, int max);

  /**
   * The sequence of the retained event with this id, or -1 if it is unknown or pruned. When
   * publishers reused the id, the earliest retained event that has it (Mercure draft-08: a
   * Last-Event-ID resolves to the earliest such update, and every later one is replayed).
   */
  long sequenceOf(String id);

  /** The sequence of the newest event stored, or 0 when nothing was ever stored. */
  long lastSequence();

  /** The id of the newest retained event, or null when none is retained. */
  String lastId();

  /**
   * How many events are retained right now, for monitoring; -1 when the store cannot tell
   * cheaply. Any thread.
   */
  default long retained() {
    return -1;
  }

  /**
   * Where {@link #read} runs for replays. The default runs reads on the caller, right for stores
   * whose reads never block; a store that touches the disk supplies its own threads.
   */
  default Executor readExecutor() {
    return Runnable::run;
  }

  @Override
  default void close() {}
}
