package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.HubException;
import dev.herald.core.Readiness;
import dev.herald.core.Update;
import dev.herald.core.history.MemoryHistory;
import dev.herald.core.history.SharedLog;
import dev.herald.core.sse.SseFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Test double: a shared log in memory whose tail moves only when the test says so, so a test
 * decides exactly what each hub has delivered. Several hubs may share one instance's store through
 * {@link #node()}. Thread-safe: every method synchronizes on the store.
 */
final class ManualSharedLog {

  private final MemoryHistory store;
  private volatile boolean down;
  private volatile java.util.concurrent.Executor readers = Runnable::run;

  ManualSharedLog() {
    this(10_000);
  }

  /** A log that keeps only the newest {@code capacity} events, as a trimmed stream does. */
  ManualSharedLog(int capacity) {
    store = new MemoryHistory(capacity);
  }

  /** Where replay reads run; a test can hold them back to trim the log under a replay. */
  void readOn(java.util.concurrent.Executor executor) {
    readers = executor;
  }

  /** Appends (and lookups) fail with 503 while down, as when the log cannot be reached. */
  void down(boolean isDown) {
    down = isDown;
  }

  /** Appends as another hub would, without going through a hub. */
  synchronized long appendElsewhere(Update update) {
    long sequence = store.lastSequence() + 1;
    store.append(List.of(new Event(sequence, update, SseFrame.encode(update))));
    return sequence;
  }

  /** One hub's view: its own tail over the shared store. */
  Node node() {
    return new Node();
  }

  final class Node implements SharedLog {
    private Listener listener;
    private long tailed;

    /** Delivers everything appended so far to this node's hub, from the calling thread. */
    void tailAll() {
      List<Event> events;
      synchronized (ManualSharedLog.this) {
        events = store.read(tailed, store.lastSequence(), Integer.MAX_VALUE);
      }
      if (!events.isEmpty()) {
        tailed = events.get(events.size() - 1).sequence();
        listener.deliver(events);
      }
    }

    /** Skips everything appended so far, as a tail that found it trimmed would. */
    void loseAll() {
      synchronized (ManualSharedLog.this) {
        tailed = store.lastSequence();
      }
      listener.gap(tailed, "events trimmed before this hub read them");
    }

    @Override
    public CompletableFuture<long[]> appendShared(List<Update> updates) {
      if (down) {
        return CompletableFuture.failedFuture(
            new HubException(HubException.Kind.UNAVAILABLE, "log unreachable"));
      }
      synchronized (ManualSharedLog.this) {
        long next = store.lastSequence() + 1;
        long[] sequences = new long[updates.size()];
        java.util.Map<String, Long> storedNow = new java.util.HashMap<>();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
          Update update = updates.get(i);
          long retained = store.sequenceOf(update.id());
          Long earlier = storedNow.get(update.id());
          if (retained > 0 || earlier != null) {
            sequences[i] = earlier != null ? earlier : retained;
            continue;
          }
          sequences[i] = next + events.size();
          storedNow.put(update.id(), sequences[i]);
          events.add(new Event(sequences[i], update, SseFrame.encode(update)));
        }
        store.append(events);
        return CompletableFuture.completedFuture(sequences);
      }
    }

    @Override
    public CompletableFuture<Long> findSequence(String id) {
      synchronized (ManualSharedLog.this) {
        return CompletableFuture.completedFuture(store.sequenceOf(id));
      }
    }

    @Override
    public long startTail(Listener tailListener) {
      synchronized (ManualSharedLog.this) {
        listener = tailListener;
        tailed = store.lastSequence();
        return tailed;
      }
    }

    @Override
    public Readiness readiness() {
      return down ? Readiness.notReady("log unreachable") : Readiness.READY;
    }

    @Override
    public java.util.concurrent.Executor readExecutor() {
      return readers;
    }

    @Override
    public List<Event> read(long afterSequence, long upToSequence, int max) {
      synchronized (ManualSharedLog.this) {
        return store.read(afterSequence, upToSequence, max);
      }
    }

    @Override
    public void close() {}
  }
}
