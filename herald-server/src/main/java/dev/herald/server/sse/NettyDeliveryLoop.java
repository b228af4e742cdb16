package dev.herald.server.sse;

import dev.herald.core.dispatch.DeliveryLoop;
import io.netty.util.concurrent.EventExecutor;

/**
 * A Netty event loop as the hub sees it: where the subscribers of its connections get their events
 * matched and queued, and where its publishers' answers complete. Two instances for the same loop
 * are equal, so every connection of a loop shares one lane of the hub.
 *
 * <p>Immutable; safe from any thread.
 */
public record NettyDeliveryLoop(EventExecutor executor) implements DeliveryLoop {

  @Override
  public void execute(Runnable task) {
    executor.execute(task);
  }

  @Override
  public void executeAfterWrites(Runnable task) {
    if (executor.inEventLoop()) {
      LoopWriter.of(executor).afterWrites(task);
    } else {
      executor.execute(task);
    }
  }

  @Override
  public boolean inLoop() {
    return executor.inEventLoop();
  }

  @Override
  public String toString() {
    return executor.toString();
  }
}
