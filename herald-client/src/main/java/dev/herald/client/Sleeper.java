package dev.herald.client;

import java.time.Duration;

/**
 * Waits between attempts. The seam that lets tests run backoff on simulated time: they record the
 * delays asked for instead of sleeping. Called on the thread that waits.
 */
interface Sleeper {

  Sleeper SYSTEM = delay -> Thread.sleep(delay.toMillis());

  void sleep(Duration delay) throws InterruptedException;
}
