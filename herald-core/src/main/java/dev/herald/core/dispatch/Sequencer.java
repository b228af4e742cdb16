package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.Readiness;
import dev.herald.core.history.ReplaySource;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the hub's one order of events comes from, and where accepted events are kept: the seam
 * between the {@link Dispatcher} and its log. {@link LocalLog} appends to this hub's history and
 * fans out at once; {@link SharedLogTail} appends to a log several hubs share and fans out only
 * what its tail of that log delivers, so every hub sees the same order. The dispatcher neither
 * knows nor asks which one it has.
 *
 * <p>Threading: {@link #start} once, from the dispatcher's constructor; {@link #append} and {@link
 * #find} on the dispatcher's serial drain, which runs on an event loop when {@link #neverBlocks()};
 * {@link #readiness} and {@link #retained} from any thread.
 */
interface Sequencer extends AutoCloseable {

  /** The newest event already in the log when the hub starts; fan-out continues after it. */
  record Start(long sequence, String id) {}

  /** Where a sequencer hands events, in the log's order, to be fanned out. */
  interface Fanout {

    /**
     * On the dispatcher's drain: hands the events to every delivery loop before it returns.
     *
     * @param traces the trace context of each event (same index), or null when none is traced
     */
    void fanOutNow(List<Event> events, Object[] traces);

    /** Any thread: completes each publish with its event (same index), on the publisher's loop. */
    void answer(List<Publish> batch, List<Event> events);

    /**
     * From the log's own thread: queues the events for the drain, waiting for room rather than drop
     * one.
     *
     * @param traces the trace context of each event's fan-out (same index), or null when none is
     *     traced
     */
    void fanOutLater(List<Event> events, Object[] traces);

    /**
     * From the log's own thread: events after the last fanned out can never be delivered; every
     * subscriber must reconnect, and fan-out resumes after {@code resumeAfter}.
     */
    void lostLater(long resumeAfter, String reason);
  }

  /** Starts handing events to {@code fanout}; may block once, at start-up. */
  Start start(Fanout fanout);

  /**
   * Gives the publishes their sequences, in this order. Each publish's future completes once the
   * log has it and it was handed out (a local log) or once the log has it (a shared log, whose tail
   * hands it out later); a failed append fails the futures with a {@link
   * dev.herald.core.HubException}. Once appended, a publish is answered as stored whatever happens
   * after.
   */
  void append(List<Publish> batch);

  /**
   * The sequence of the retained event with this id (-1: unknown or pruned), answered without
   * blocking the drain: at once by a local log, over the network by a shared one.
   */
  CompletableFuture<Long> find(String id);

  /** Where replays read. */
  ReplaySource replaySource();

  /**
   * Whether {@link #append} and {@link #find} never block, so the drain may run on the thread that
   * submits work, an event loop.
   */
  boolean neverBlocks();

  /** Waits, up to the deadline, for appends sent to the log and not answered yet. */
  void awaitAppends(long deadlineNanos) throws InterruptedException;

  Readiness readiness();

  /** Events retained for reconnecting subscribers; -1 when it cannot tell. */
  long retained();

  /** True while appends sent to a log are not answered yet (a shared log's round trip). */
  default boolean appending() {
    return false;
  }

  /** How long this hub has been behind a shared log, in nanoseconds; -1 without one. */
  default long tailLagNanos() {
    return -1;
  }

  @Override
  void close();
}
