package dev.herald.core.auth;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that fetches JWK Sets, so that a slow or dead key server never holds an event
 * loop: {@link JwksKeySource} hands it a fetch and keeps answering from its cache meanwhile.
 * Fetches run one at a time; each is bounded by its connect and read timeouts.
 *
 * <p>Thread-safety: {@link #execute} from any thread; the work runs on {@code herald-jwks}.
 */
public final class KeyRefresher implements java.util.concurrent.Executor, AutoCloseable {

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread t = new Thread(task, "herald-jwks");
            t.setDaemon(true); // a fetch stuck in a read timeout must not hold the JVM open
            return t;
          });

  @Override
  public void execute(Runnable fetch) {
    thread.execute(fetch);
  }

  /** Stops taking fetches and waits a little for one in progress. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(Duration.ofSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
