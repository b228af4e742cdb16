package dev.herald.bench.jmh;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.server.limits.LimitCounters;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.metrics.LatencyRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code /metrics} costs every live delivery: {@link HubMetrics#latency()} records once into
 * the windowed HdrHistogram, which also feeds the histogram with buckets and an embedding
 * application's registry, against a bare {@code Recorder} and against a Micrometer {@code Timer}
 * with the same buckets (the design not taken). Two threads, as two event loops would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class LatencyRecordBenchmark {

  /** {@code own}: the hub's registry only; {@code embedded}: also an application's. */
  @Param({"own", "embedded"})
  public String registries;

  private Hub hub;
  private HubMetrics metrics;
  private LatencyRecorder latency;

  @Setup(Level.Trial)
  public void setUp() {
    hub = new Hub(HubConfig.DEFAULTS);
    metrics =
        registries.equals("own")
            ? HubMetrics.create(hub, () -> 0, () -> 0, () -> 0, new LimitCounters(), null)
            : HubMetrics.create(
                hub, () -> 0, () -> 0, () -> 0, new LimitCounters(), new SimpleMeterRegistry());
    latency = metrics.latency();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    metrics.close();
    hub.close();
  }

  /** What a delivery cost before the histogram with buckets: the HdrHistogram window only. */
  private final org.HdrHistogram.Recorder windowOnly =
      new org.HdrHistogram.Recorder(1, TimeUnit.MINUTES.toNanos(1), 2);

  @Benchmark
  public void windowOnlyBaseline() {
    windowOnly.recordValue(350_000);
  }

  private io.micrometer.core.instrument.Timer micrometerTimer;

  @Setup(Level.Trial)
  public void setUpTimer() {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    micrometerTimer =
        io.micrometer.core.instrument.Timer.builder("t")
            .serviceLevelObjectives(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(10))
            .register(prometheus);
  }

  @Benchmark
  public void micrometerTimerNotTaken() {
    micrometerTimer.record(350_000, TimeUnit.NANOSECONDS);
  }

  @Benchmark
  public void record() {
    latency.record(350_000); // 350 µs, a typical loopback delivery
  }
}
