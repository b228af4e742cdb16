package dev.herald.client;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a check at a fixed period until cancelled: how a subscriber notices that an open stream went
 * silent. The seam that lets tests run the check on simulated time. {@link #SYSTEM} runs every
 * subscriber's checks on one shared daemon thread; checks must be short and never block.
 */
interface Watchdog {

  /** Stops the check; idempotent. */
  interface Cancel {
    void cancel();
  }

  Cancel every(Duration period, Runnable check);

  Watchdog SYSTEM =
      new Watchdog() {
        private final ScheduledExecutorService timer = newTimer();

        private ScheduledExecutorService newTimer() {
          ScheduledThreadPoolExecutor timer =
              new ScheduledThreadPoolExecutor(
                  1,
                  r -> {
                    Thread thread = new Thread(r, "herald-client-watchdog");
                    thread.setDaemon(true);
                    return thread;
                  });
          // A check is cancelled at every reconnection: drop it then, not at its next due time.
          timer.setRemoveOnCancelPolicy(true);
          return timer;
        }

        @Override
        public Cancel every(Duration period, Runnable check) {
          long nanos = period.toNanos();
          ScheduledFuture<?> task =
              timer.scheduleWithFixedDelay(check, nanos, nanos, TimeUnit.NANOSECONDS);
          return () -> task.cancel(false);
        }
      };
}
