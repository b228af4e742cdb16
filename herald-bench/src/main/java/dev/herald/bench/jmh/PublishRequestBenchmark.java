package dev.herald.bench.jmh;

import io.netty.buffer.ByteBuf;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One publish through the server's HTTP/1.1 pipeline ({@link EmbeddedPublishPath}): request bytes
 * in, {@code 200} bytes out. Run it with {@code -prof gc}: {@code gc.alloc.rate.norm} is the heap
 * bytes allocated per publish, the figure this benchmark exists for (it does not depend on the
 * machine's load; the time per publish does).
 *
 * <p>Single-threaded; JMH owns the thread, which is also the embedded channel's loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx512m"})
public class PublishRequestBenchmark {

  @Param({"lg", "json1k"})
  public String shape;

  /** Whether the publish comes from a browser origin the hub allows (answered with CORS). */
  @Param({"false", "true"})
  public boolean cors;

  private EmbeddedPublishPath path;

  @Setup
  public void setUp() {
    path = new EmbeddedPublishPath(shape, 1_000, cors ? "https://app.example.com" : null);
  }

  @TearDown
  public void tearDown() {
    path.close();
  }

  @Benchmark
  public int publish() {
    ByteBuf answer = path.publish();
    int size = answer.readableBytes();
    answer.release();
    return size;
  }
}
