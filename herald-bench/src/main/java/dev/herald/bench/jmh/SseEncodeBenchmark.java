package dev.herald.bench.jmh;

import dev.herald.core.Update;
import dev.herald.core.sse.SseFrame;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SseFrame#encode}: the one encoding every published update goes through, on the publisher's
 * thread, before the bytes are shared by all subscribers.
 *
 * <p>Shapes: {@code ts} is what the load generator publishes (a 20-byte timestamp), {@code json1k}
 * a typical 1 KiB JSON document on one line, {@code lines1k} the same split into 32 lines (one
 * {@code data:} line each). Single-threaded; JMH owns the thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseEncodeBenchmark {

  @Param({"ts", "json1k", "lines1k"})
  public String shape;

  private Update update;

  @Setup
  public void setUp() {
    String data =
        switch (shape) {
          case "ts" -> "lgts" + 1_234_567_890_123_456L;
          case "json1k" -> json(1024, false);
          case "lines1k" -> json(1024, true);
          default -> throw new IllegalArgumentException("shape: " + shape);
        };
    update =
        new Update(
            List.of("https://example.com/books/1"),
            data,
            false,
            "urn:uuid:0b6c1a4e-4f8e-4a53-9d8e-0c0ffee00001",
            "book",
            null);
  }

  @Benchmark
  public byte[] encode() {
    return SseFrame.encode(update);
  }

  /** A JSON-looking string of {@code size} chars, one line or split into 32 lines. */
  static String json(int size, boolean multiLine) {
    StringBuilder out = new StringBuilder(size + 64);
    out.append('{');
    int field = 0;
    while (out.length() < size - 2) {
      if (field > 0) {
        out.append(',');
        if (multiLine && field % 2 == 0) {
          out.append('\n');
        }
      }
      out.append("\"field").append(field).append("\":\"value-").append(field).append('"');
      field++;
    }
    return out.append('}').toString();
  }
}
