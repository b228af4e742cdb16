package dev.herald.bench.jmh;

import dev.herald.core.sse.MatchField;
import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
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
 * {@link MatchField#line}: what a {@code herald-match=1} stream costs per event on its event loop,
 * beyond the shared frame: its selectors evaluated against the event's topics once more.
 *
 * <p>Shapes: the union of {@code tabs} tabs that each subscribe to a topic of their own and to one
 * shared topic, all exact ({@code exact}), or each a URI template ({@code template}); the event is
 * published to one tab's topic. Single-threaded; JMH owns the thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MatchFieldBenchmark {

  @Param({"10", "100"})
  public int tabs;

  @Param({"exact", "template"})
  public String kind;

  private List<TopicSelector> selectors;
  private List<String> topics;

  @Setup
  public void setUp() {
    List<TopicSelector> union = new ArrayList<>();
    union.add(TopicSelector.of("https://example.com/shared"));
    for (int i = 0; i < tabs; i++) {
      union.add(
          TopicSelector.of(
              kind.equals("exact")
                  ? "https://example.com/tabs/" + i
                  : "https://example.com/tabs/" + i + "/{id}"));
    }
    selectors = List.copyOf(union);
    String topic = "https://example.com/tabs/" + (tabs / 2) + (kind.equals("exact") ? "" : "/42");
    topics = List.of(topic);
  }

  @Benchmark
  public byte[] line() {
    return MatchField.line(selectors, topics);
  }
}
