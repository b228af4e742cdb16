package dev.herald.core.history;

import dev.herald.core.Event;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Where a subscriber's replay reads the events it missed: a local history or a shared log.
 *
 * <p>Threading: {@link #read} runs on {@link #readExecutor()}, never on an event loop unless the
 * source says its reads cannot block.
 */
public interface ReplaySource {

  /**
   * Up to {@code max} retained events with {@code afterSequence < sequence <= upToSequence}, oldest
   * first. Events already pruned are skipped, so the first returned may be later than asked for.
   */
  List<Event> read(long afterSequence, long upToSequence, int max);

  /**
   * Where {@link #read} runs for replays. The default runs reads on the caller, right for sources
   * whose reads never block; one that touches the disk or the network supplies its own threads.
   */
  default Executor readExecutor() {
    return Runnable::run;
  }
}
