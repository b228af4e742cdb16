package dev.herald.core.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Single-thread executors standing in for a server's event loops, each a {@link DeliveryLoop}:
 * tests give their subscribers and publishers one, so the hub's lanes run on them as on Netty's.
 * Zero loops stands for the hub without loops: every subscriber on {@link DeliveryLoop#CALLER}.
 *
 * <p>Threading: {@link #get} from any thread; {@link #close} once, from the test's thread.
 */
public final class TestLoops implements AutoCloseable {

  private final List<Loop> loops = new ArrayList<>();

  public TestLoops(int count) {
    for (int i = 0; i < count; i++) {
      loops.add(new Loop("test-loop-" + i));
    }
  }

  public int size() {
    return loops.size();
  }

  /** The loop of the {@code n}-th client, round robin; {@link DeliveryLoop#CALLER} with none. */
  public DeliveryLoop get(int n) {
    return loops.isEmpty() ? DeliveryLoop.CALLER : loops.get(Math.floorMod(n, loops.size()));
  }

  @Override
  public void close() throws InterruptedException {
    for (Loop loop : loops) {
      loop.executor.shutdownNow();
    }
    for (Loop loop : loops) {
      loop.executor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static final class Loop implements DeliveryLoop {
    private final String name;
    private volatile Thread thread;
    private final ExecutorService executor;

    Loop(String name) {
      this.name = name;
      this.executor =
          Executors.newSingleThreadExecutor(
              task -> {
                Thread t = new Thread(task, name);
                t.setDaemon(true);
                thread = t;
                return t;
              });
    }

    @Override
    public void execute(Runnable task) {
      executor.execute(task);
    }

    @Override
    public boolean inLoop() {
      return Thread.currentThread() == thread;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
