package dev.herald.bench.jmh;

import dev.herald.core.Event;
import dev.herald.core.dispatch.DeliveryLoop;
import dev.herald.core.dispatch.Subscriber;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A network event loop without sockets: one thread running tasks in order (a single-thread
 * executor, whose idle thread parks and is unparked by the next task, as an idle Netty loop sleeps
 * in {@code epoll_wait} and is woken through its {@code eventfd}), standing in for the server's
 * loops as the hub's {@link DeliveryLoop}.
 *
 * <p>Subscribers woken on this loop are drained the way the server's {@code LoopWriter} writes its
 * streams: queued, then drained {@value #SLICE} at a time in one task behind the lane's current
 * run, so a busy loop drains several events per subscriber per pass instead of one task per
 * subscriber per event. Draining stands in for the SSE write: each event's frame is read and
 * counted, nothing is copied or sent.
 *
 * <p>Threading: {@link #execute}, {@link #expect} and {@link #delivered} from any thread; the rest
 * on the loop's own thread.
 */
final class SimulatedEventLoop implements DeliveryLoop, AutoCloseable {

  /** Subscribers drained in one task, as many as the server's {@code LoopWriter.SLICE}. */
  static final int SLICE = 128;

  /** Events taken from one subscriber at once, as the server's stream does per write. */
  private static final int DRAIN_BATCH = 64;

  private final String name;
  private final ThreadPoolExecutor executor;
  private volatile Thread thread;

  // Loop thread only.
  private final ArrayDeque<Subscriber> ready = new ArrayDeque<>();
  private final Runnable drainSlice = this::drainSlice;
  private boolean sliceScheduled;
  private long deliveredHere;
  private long frameBytes;
  private final Consumer<Event> write = event -> frameBytes += event.frame().length;

  /** Deliveries counted so far, published by the loop after each pass for the waiting thread. */
  private volatile long delivered;

  /** The delivery count at which the waiting thread is woken. */
  private volatile long target;

  private volatile Thread waiter;
  private volatile long cutSubscribers;

  SimulatedEventLoop(String name) {
    this.name = name;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread t = new Thread(task, name);
              t.setDaemon(true);
              thread = t;
              return t;
            });
    executor.prestartCoreThread(); // so inLoop() knows its thread before the first task
  }

  @Override
  public void execute(Runnable task) {
    executor.execute(task);
  }

  @Override
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** The subscriber's wake-up, called by its lane on this loop or by a history read elsewhere. */
  void wake(Subscriber subscriber) {
    if (inLoop()) {
      ready.add(subscriber);
      if (!sliceScheduled) {
        sliceScheduled = true;
        executor.execute(drainSlice);
      }
    } else {
      executor.execute(
          () -> {
            drain(subscriber);
            publishProgress();
          });
    }
  }

  private void drainSlice() {
    for (int i = Math.min(SLICE, ready.size()); i > 0; i--) {
      drain(ready.poll());
    }
    publishProgress();
    if (ready.isEmpty()) {
      sliceScheduled = false;
    } else {
      executor.execute(drainSlice); // behind the lane's next run, as the server's loop does
    }
  }

  private void drain(Subscriber subscriber) {
    int handed;
    while ((handed = subscriber.drainTo(write, DRAIN_BATCH)) > 0) {
      deliveredHere += handed;
    }
    if (subscriber.mustReconnect() || subscriber.replayFailure() != null) {
      cutSubscribers++; // a stream would end here; the benchmark fails on it at tear-down
    } else {
      subscriber.idle();
    }
  }

  private void publishProgress() {
    delivered = deliveredHere;
    if (deliveredHere >= target) {
      Thread toWake = waiter;
      if (toWake != null) {
        LockSupport.unpark(toWake);
      }
    }
  }

  /** Any thread, before the publishes: {@code count} more deliveries are due on this loop. */
  void expect(long count, Thread waitingThread) {
    waiter = waitingThread;
    target += count; // only the one publishing thread writes the target
  }

  boolean reachedTarget() {
    return delivered >= target;
  }

  long delivered() {
    return delivered;
  }

  long target() {
    return target;
  }

  /** CPU time the loop's thread used so far, in nanoseconds; -1 if the JVM cannot tell. */
  long cpuNanos() {
    Thread t = thread;
    return t == null ? 0 : ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
  }

  long cutSubscribers() {
    return cutSubscribers;
  }

  /** The frames' total size, so the drain's reads of each event have a consumer. */
  long frameBytes() {
    return frameBytes;
  }

  @Override
  public void close() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return name;
  }
}
