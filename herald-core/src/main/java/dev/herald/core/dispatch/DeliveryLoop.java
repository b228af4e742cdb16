package dev.herald.core.dispatch;

import java.util.concurrent.Executor;

/**
 * The thread that owns a share of the hub's subscribers and publishers: a network event loop. The
 * hub hands each committed batch to every delivery loop once, and the loop matches the batch
 * against its own subscribers and queues their events itself, so fan-out runs where the sockets
 * live and costs one wake-up per loop per batch, not one per subscriber. Publish answers reach the
 * publisher's loop the same way.
 *
 * <p>{@link #execute} may be called from any thread and must not block; tasks run one at a time, in
 * order, on the loop's own thread.
 */
public interface DeliveryLoop extends Executor {

  /** True when called on this loop's own thread. */
  boolean inLoop();

  /**
   * Runs {@code task} on this loop once the events now waiting for its subscribers are written (at
   * once when none waits). The hub wakes the other loops this way after a publish read here, so a
   * loop that shares a core with a busy one runs between its rounds instead of cutting them into
   * pieces of a few events each. The default runs it like {@link #execute}.
   */
  default void executeAfterWrites(Runnable task) {
    execute(task);
  }

  /**
   * For subscribers no event loop owns (an embedding application's own threads, tests): their share
   * of the hub runs on whichever thread hands it work, one thread at a time, as the hub's drain did
   * before loops had shares of their own.
   */
  DeliveryLoop CALLER =
      new DeliveryLoop() {
        @Override
        public void execute(Runnable task) {
          task.run();
        }

        @Override
        public boolean inLoop() {
          return false;
        }

        @Override
        public String toString() {
          return "caller";
        }
      };
}
