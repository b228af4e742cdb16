package dev.herald.server.sse;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's streams with events waiting, written a slice at a time with the loop's socket
 * work in between: while the streams of one slice are written, the loop reads the next publishes,
 * and the events they bring join the writes of the streams still waiting, so a busy loop writes
 * several events per stream and per system call instead of one. (A task per stream would run them
 * all before the loop reads again: under load every write would carry one event.)
 *
 * <p>One per event loop thread; event loop only.
 */
final class LoopWriter {

  /** Streams written before the loop goes back to its sockets. */
  static final int SLICE = 128;

  private static final FastThreadLocal<LoopWriter> OWN = new FastThreadLocal<>();

  private final EventExecutor loop;
  private final ArrayDeque<SseStream> ready = new ArrayDeque<>();
  private final Runnable writeSlice = this::writeSlice;
  private boolean scheduled;

  private LoopWriter(EventExecutor loop) {
    this.loop = loop;
  }

  /** The writer of the calling loop thread, which must be {@code loop}'s. */
  static LoopWriter of(EventExecutor loop) {
    LoopWriter writer = OWN.get();
    if (writer == null || writer.loop != loop) {
      writer = new LoopWriter(loop);
      OWN.set(writer);
    }
    return writer;
  }

  /** Writes the stream's waiting events soon: after the loop's current tasks, in a slice. */
  void add(SseStream stream) {
    ready.add(stream);
    if (!scheduled) {
      scheduled = true;
      loop.execute(writeSlice);
    }
  }

  private void writeSlice() {
    for (int i = Math.min(SLICE, ready.size()); i > 0; i--) {
      ready.poll().drain();
    }
    if (ready.isEmpty()) {
      scheduled = false;
    } else {
      // Another loop sharing this core (more loops than cores) gets it now, and the events it
      // hands over meanwhile join this loop's writes still to make; alone on its core, this
      // returns at once.
      Thread.yield();
      // A scheduled task runs after the loop's next round of socket work, unlike execute().
      loop.schedule(writeSlice, 0, TimeUnit.NANOSECONDS);
    }
  }
}
