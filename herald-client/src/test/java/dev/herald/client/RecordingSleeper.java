package dev.herald.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Simulated time for backoff: records each delay asked for and returns at once. */
final class RecordingSleeper implements Sleeper {

  final List<Duration> delays = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration delay) {
    delays.add(delay);
  }
}
