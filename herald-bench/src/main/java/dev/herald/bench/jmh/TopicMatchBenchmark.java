package dev.herald.bench.jmh;

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
 * {@link TopicSelector#matches} on its own: one selector against one topic ({@code matchOne}), and
 * a linear scan of 10,000 subscriptions' selectors for one topic ({@code scan10k}), i.e. the cost
 * the hub's subscriber index exists to avoid for exact selectors and {@code *}, and still pays for
 * distinct URI templates (each distinct template is evaluated once per published topic).
 *
 * <p>Kinds: {@code exact} (a topic IRI), {@code any} ({@code *}), {@code template} ({@code
 * https://example.com/users/{user}/books/{id}}: every selector matches), {@code urlpattern}
 * (draft-08, {@code https://example.com/users/<i>/books/:id} against the hub URL; the topic is
 * parsed as a URL once per thread, then each pattern runs its regular expressions). In {@code
 * scan10k}, {@code exact}, {@code template} and {@code urlpattern} use 10,000 distinct selectors of
 * which one matches. Single-threaded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopicMatchBenchmark {

  static final int SUBSCRIPTIONS = 10_000;

  static final String HUB = "https://example.com/.well-known/mercure";

  @Param({"exact", "any", "template", "urlpattern"})
  public String kind;

  private TopicSelector one;
  private String topic;
  private TopicSelector[] selectors;

  @Setup
  public void setUp() {
    int target = SUBSCRIPTIONS / 2;
    List<TopicSelector> all = new ArrayList<>(SUBSCRIPTIONS);
    for (int i = 0; i < SUBSCRIPTIONS; i++) {
      all.add(parse(kind, selector(kind, i)));
    }
    selectors = all.toArray(TopicSelector[]::new);
    topic =
        kind.equals("template") || kind.equals("urlpattern")
            ? "https://example.com/users/" + target + "/books/42"
            : "https://example.com/books/" + target;
    one = parse(kind, selector(kind, target));
    int matching = scan10k();
    int expected = kind.equals("any") ? SUBSCRIPTIONS : 1;
    if (matching != expected) {
      throw new IllegalStateException(
          kind + ": " + matching + " selectors match " + topic + " (expected: " + expected + ")");
    }
  }

  static String selector(String kind, int i) {
    return switch (kind) {
      case "exact" -> "https://example.com/books/" + i;
      case "any" -> "*";
      case "template" -> "https://example.com/users/" + i + "/books/{id}";
      case "urlpattern" -> "https://example.com/users/" + i + "/books/:id";
      default -> throw new IllegalArgumentException("kind: " + kind);
    };
  }

  static TopicSelector parse(String kind, String raw) {
    return kind.equals("urlpattern") ? TopicSelector.urlPattern(raw, HUB) : TopicSelector.of(raw);
  }

  @Benchmark
  public boolean matchOne() {
    return one.matches(topic);
  }

  @Benchmark
  public int scan10k() {
    int matching = 0;
    for (TopicSelector selector : selectors) {
      if (selector.matches(topic)) {
        matching++;
      }
    }
    return matching;
  }

  /** Parsing through the shared cache, as every subscribe request does for its selectors. */
  @Benchmark
  public TopicSelector parseCached() {
    return parse(kind, one.raw());
  }
}
