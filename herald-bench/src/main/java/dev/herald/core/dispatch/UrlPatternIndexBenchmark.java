package dev.herald.core.dispatch;

import dev.herald.core.topic.TopicSelector;
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
 * What draft-08 URL patterns held by idle subscribers cost the hub's {@link SelectorIndex}: {@code
 * matching} looks up the next of 10,000 round-robin topics (more than the index's per-topic cache
 * holds, so every lookup misses it) while {@code patterns} distinct URL patterns are held, 50 per
 * anonymous client as in issue 17, that match nothing published; one more pattern, {@code
 * https://example.com/users/:user/books/:book}, matches every second topic. {@code putAndRemove}
 * files one more pattern and forgets it again: the cost of registering a subscription's pattern
 * with the index (compiling it is not counted: selectors are built once, in the setup).
 *
 * <p>The idle patterns look like the topics and differ only in their literals: {@code
 * https://example.com/users/<n>/books/:book} and {@code https://example.com/c<n>/*}, with numbers
 * no topic uses. The topics are {@code https://example.com/users/<t>/books/<b>} and {@code
 * https://example.com/c<t>/feed}.
 *
 * <p>This class sits in {@code dev.herald.core.dispatch} (a split package on the benchmark's class
 * path) because {@link SelectorIndex} is package-private. Single-threaded, as the index's owner is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UrlPatternIndexBenchmark {

  static final String HUB = "https://example.com/.well-known/mercure";
  static final int PER_CLIENT = 50;
  static final int TOPICS = 10_000;

  /** Idle patterns number from here, so that no topic's number is theirs. */
  static final int IDLE_NUMBERS = 1_000_000;

  static final int SPARE_PATTERNS = 1_000;

  @Param({"0", "100000"})
  public int patterns;

  private SelectorIndex<Integer> index;
  private String[] topics;
  private TopicSelector[] spare;
  private int next;
  private int nextSpare;

  static TopicSelector idlePattern(int n) {
    return TopicSelector.urlPattern(
        n % 2 == 0
            ? "https://example.com/users/" + (IDLE_NUMBERS + n) + "/books/:book"
            : "https://example.com/c" + (IDLE_NUMBERS + n) + "/*",
        HUB);
  }

  @Setup
  public void setUp() {
    index = new SelectorIndex<>();
    for (int n = 0; n < patterns; n++) {
      index.put(idlePattern(n), n / PER_CLIENT);
    }
    index.put(TopicSelector.urlPattern("https://example.com/users/:user/books/:book", HUB), -1);
    topics = new String[TOPICS];
    for (int t = 0; t < TOPICS; t++) {
      topics[t] =
          t % 2 == 0
              ? "https://example.com/users/" + t + "/books/" + (t % 7)
              : "https://example.com/c" + t + "/feed";
    }
    spare = new TopicSelector[SPARE_PATTERNS];
    for (int s = 0; s < SPARE_PATTERNS; s++) {
      spare[s] = idlePattern(patterns + s);
    }
    if (index.matching(topics[0]).size() != 1 || !index.matching(topics[1]).isEmpty()) {
      throw new IllegalStateException(
          "the reader's pattern must match every second topic, "
              + "the idle ones none: "
              + index.matching(topics[0])
              + ", "
              + index.matching(topics[1]));
    }
  }

  @Benchmark
  public List<Integer> matching() {
    String topic = topics[next];
    next = next + 1 == TOPICS ? 0 : next + 1;
    return index.matching(topic);
  }

  @Benchmark
  public boolean putAndRemove() {
    TopicSelector selector = spare[nextSpare];
    nextSpare = nextSpare + 1 == SPARE_PATTERNS ? 0 : nextSpare + 1;
    index.put(selector, -2);
    return index.remove(selector);
  }
}
