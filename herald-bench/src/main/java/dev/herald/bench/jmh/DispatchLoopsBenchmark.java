package dev.herald.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hub's dispatch and fan-out over 1 or 2 delivery loops, without sockets (issue 17's goal
 * "dispatch-only JMH, 2 loops vs 1 ≥ 1.8×"): each operation is one event delivered, counted from
 * the publish until the subscriber's loop drained it, so the score is delivered events per second
 * in both scenarios.
 *
 * <ul>
 *   <li>{@code s1OneTopic}: {@value #S1_SUBSCRIBERS} subscribers of one topic, bursts of {@value
 *       #S1_PUBLISHES} publishes (the harness's S1).
 *   <li>{@code s4TopicPerSubscriber}: {@value #S4_TOPICS} subscribers, each of its own topic,
 *       bursts of {@value #S4_PUBLISHES} publishes cycling over the topics, one delivery each (the
 *       harness's S4).
 * </ul>
 *
 * <p>Subscribers are spread round robin over the loops, as Netty assigns connections. {@code
 * publishFrom=caller}: JMH's thread publishes (the hub's serial drain runs there: a third busy
 * thread next to the loops); {@code loop}: the first loop publishes, as the server does when the
 * publishing connection is that loop's, and JMH's thread only waits; {@code loops}: each loop
 * publishes an even share of the burst, as when publishing connections are spread over the loops.
 * {@code loop} and {@code loops} are the server's shape: N loops, N busy threads. Each burst is
 * waited for before the next, so at most one burst's events are queued anywhere.
 *
 * <p>After each iteration a {@code [cpu]} line gives the deliveries per CPU-second of the loops and
 * of the whole process, and the cores they used: on a shared machine two loops may not get two
 * cores, and these tell a busy host from a cost of the design.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DispatchLoopsBenchmark {

  static final int S1_SUBSCRIBERS = 1_000;
  static final int S1_PUBLISHES = 100;
  static final int S4_TOPICS = 10_000;
  static final int S4_PUBLISHES = 2_000;

  /** S1: everyone on one topic. */
  @State(Scope.Benchmark)
  public static class OneTopic {
    @Param({"1", "2"})
    public int loops;

    @Param({"caller", "loop", "loops"})
    public String publishFrom;

    final HubOnLoops hub = new HubOnLoops();

    @Setup(Level.Trial)
    public void setUp() {
      hub.start(loops, publishFrom, S1_SUBSCRIBERS, 1, S1_PUBLISHES);
    }

    @Setup(Level.Iteration)
    public void beginIteration() {
      hub.beginIteration();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
      hub.endIteration();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      hub.stop();
    }
  }

  /** S4: one topic per subscriber. */
  @State(Scope.Benchmark)
  public static class TopicPerSubscriber {
    @Param({"1", "2"})
    public int loops;

    @Param({"caller", "loop", "loops"})
    public String publishFrom;

    final HubOnLoops hub = new HubOnLoops();

    @Setup(Level.Trial)
    public void setUp() {
      hub.start(loops, publishFrom, S4_TOPICS, S4_TOPICS, S4_PUBLISHES);
    }

    @Setup(Level.Iteration)
    public void beginIteration() {
      hub.beginIteration();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
      hub.endIteration();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      hub.stop();
    }
  }

  @Benchmark
  @OperationsPerInvocation(S1_PUBLISHES * S1_SUBSCRIBERS)
  public long s1OneTopic(OneTopic state) {
    return state.hub.publishAndAwait(S1_PUBLISHES);
  }

  @Benchmark
  @OperationsPerInvocation(S4_PUBLISHES)
  public long s4TopicPerSubscriber(TopicPerSubscriber state) {
    return state.hub.publishAndAwait(S4_PUBLISHES);
  }
}
