package dev.herald.bench.jmh;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.history.MemoryHistory;
import dev.herald.core.sse.SseFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link MemoryHistory#append} with a full ring (every append evicts the oldest event and its id),
 * one event per call and in group-commit batches of 64 as the dispatcher does under load. Scores
 * are per event. Each event gets a distinct id, as the hub's generated {@code urn:uuid:} ids are.
 * Single-threaded, like the dispatcher that owns history writes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HistoryAppendBenchmark {

  private static final int BATCH = 64;
  private static final int IDS = 1 << 16;

  @Param({"10000"})
  public int capacity;

  private MemoryHistory history;
  private Update[] updates;
  private byte[] frame;
  private long sequence;
  private final List<Event> batch = new ArrayList<>(BATCH);

  @Setup
  public void setUp() {
    history = new MemoryHistory(capacity);
    // More distinct ids than the ring holds, so the id of an evicted event is never reused live.
    updates = new Update[IDS];
    for (int i = 0; i < IDS; i++) {
      updates[i] = Update.of("https://example.com/books/1", "x").withId("urn:uuid:event-" + i);
    }
    frame = SseFrame.encode(updates[0]);
    sequence = 0;
    for (int i = 0; i < capacity; i++) {
      appendOne();
    }
  }

  @Benchmark
  public long appendOne() {
    long next = ++sequence;
    history.append(List.of(new Event(next, updates[(int) (next & (IDS - 1))], frame)));
    return next;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long appendBatch64() {
    batch.clear();
    for (int i = 0; i < BATCH; i++) {
      long next = ++sequence;
      batch.add(new Event(next, updates[(int) (next & (IDS - 1))], frame));
    }
    history.append(batch);
    return sequence;
  }
}
