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

  /** Streams to write, and tasks to run once the streams queued before them are written. */
  private final ArrayDeque<Object> ready = new ArrayDeque<>();

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
    enqueue(stream);
  }

  /**
   * Runs {@code task} once the streams waiting now are written; at once (after the current tasks)
   * when none waits. Bounded: streams that become ready later queue behind it.
   */
  void afterWrites(Runnable task) {
    enqueue(task);
  }

  private void enqueue(Object item) {
    ready.add(item);
    if (!scheduled) {
      scheduled = true;
      loop.execute(writeSlice);
    }
  }

  private void writeSlice() {
    SseStream written = null;
    for (int i = Math.min(SLICE, ready.size()); i > 0; i--) {
      Object item = ready.poll();
      if (item instanceof SseStream stream) {
        stream.drain();
        written = stream;
      } else {
        ((Runnable) item).run();
      }
    }
    if (ready.isEmpty()) {
      scheduled = false;
    } else {
      // The loop keeps its core for another slice: while another thread works on the hub's order
      // (the durable history's committing thread, a cluster node's Redis client and tail, another
      // loop handing out), let it run first if it shares the core. Else Linux gives it the core
      // only when this loop's time slice runs out, milliseconds later, and a durable or Redis
      // publish waits for that twice (to be committed, then to be answered). Only then: a yield
      // at every slice also hands the core to threads the loop does not wait for (the compiler,
      // the collector), which cost a fan-out at 50 publishes/s 3 ms at p99.
      if (written != null && written.hubOrdering()) {
        Thread.yield();
      }
      // A scheduled task runs after the loop's next round of socket work, unlike execute().
      loop.schedule(writeSlice, 0, TimeUnit.NANOSECONDS);
    }
  }
}
