package dev.herald.server.sse;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task at a fixed rate only while at least one stream watches it, so a publisher nobody
 * listens to (the demo clock, the dashboard's figures) costs nothing and its timer is released with
 * the last watcher.
 *
 * <p>State is confined to one executor; {@link #watcherAdded} and {@link #watcherRemoved} may be
 * called from any thread.
 */
public final class WatchedTicker {

  private final EventExecutor executor;
  private final Duration interval;
  private final Runnable onFirstWatcher;
  private final Runnable tick;
  private int watchers;
  private ScheduledFuture<?> ticking;

  /**
   * @param onFirstWatcher runs on the executor just before ticking starts (e.g. to take a base)
   * @param tick runs on the executor every {@code interval} while watched
   */
  public WatchedTicker(
      EventExecutor executor, Duration interval, Runnable onFirstWatcher, Runnable tick) {
    this.executor = executor;
    this.interval = interval;
    this.onFirstWatcher = onFirstWatcher;
    this.tick = tick;
  }

  public Duration interval() {
    return interval;
  }

  public void watcherAdded() {
    executor.execute(
        () -> {
          if (watchers++ == 0) {
            onFirstWatcher.run();
            long millis = interval.toMillis();
            ticking = executor.scheduleAtFixedRate(tick, millis, millis, TimeUnit.MILLISECONDS);
          }
        });
  }

  public void watcherRemoved() {
    executor.execute(
        () -> {
          if (--watchers == 0 && ticking != null) {
            ticking.cancel(false);
            ticking = null;
          }
        });
  }

  /** Current watchers; read on the executor for an exact value. */
  public int watchers() {
    return watchers;
  }
}
