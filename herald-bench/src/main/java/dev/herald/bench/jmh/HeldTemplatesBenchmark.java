package dev.herald.bench.jmh;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.http.SubscriptionFormats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What templates that cannot match cost a publish: {@link Hub#publish} to a topic one subscriber
 * holds exactly, while {@code templates} distinct URI templates (50 per subscriber, as issue 11's
 * anonymous clients) are held that match nothing published. Each publish goes to the next of 10,000
 * topics, more than the hub's per-topic match cache holds, so every lookup misses it: the figure is
 * the index alone. One more subscriber reads every topic through {@code
 * https://example.com/books/{id}}.
 *
 * <p>Layouts: {@code prefix} ({@code https://example.com/idle/<s>/<j>/{id}}: the literal prefix
 * already differs from the topics) and {@code suffix} ({@code
 * https://example.com/books/{id}/idle-<s>-<j}: the same prefix as every topic, only the literal
 * suffix differs, the worst case short of a template with no literal at either end). Single
 * publisher; the figure is the whole publish, hand-off to the dispatcher included.
 *
 * <p>{@code matcher}: {@code template} (draft-07 URI templates, as above) or {@code urlpattern}
 * (draft-08 URL patterns of the same shapes, {@code :id} for {@code {id}}, resolved against {@code
 * https://example.com/.well-known/mercure}; issue 17's anonymous clients).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeldTemplatesBenchmark {

  static final int PER_SUBSCRIBER = 50;
  static final int TOPICS = 10_000;
  static final String HUB = "https://example.com/.well-known/mercure";

  @Param({"0", "10000", "100000"})
  public int templates;

  @Param({"prefix", "suffix"})
  public String layout;

  @Param({"template", "urlpattern"})
  public String matcher;

  private Hub hub;
  private final List<Subscriber> all = new ArrayList<>();
  private Update[] updates;
  private long received; // dispatcher thread only, read after join()
  private long published;

  @Setup(Level.Trial)
  public void setUp() {
    hub = new Hub(HubConfig.DEFAULTS.withHistorySize(1_000));
    for (int s = 0; s < templates / PER_SUBSCRIBER; s++) {
      List<TopicSelector> held = new ArrayList<>(PER_SUBSCRIBER);
      for (int j = 0; j < PER_SUBSCRIBER; j++) {
        held.add(
            selector(
                layout.equals("prefix")
                    ? "https://example.com/idle/" + s + "/" + j + "/{id}"
                    : "https://example.com/books/{id}/idle-" + s + "-" + j));
      }
      Subscriber idle =
          hub.newSubscriberOf(
              held,
              List.of(),
              Collections.nCopies(held.size(), null),
              SubscriptionFormats.DRAFT_07,
              () -> {});
      all.add(idle);
      hub.subscribe(idle, null).join();
    }
    updates = new Update[TOPICS];
    for (int t = 0; t < TOPICS; t++) {
      updates[t] = Update.of("https://example.com/books/" + t, "lgts1234567890123");
    }
    Subscriber[] self = new Subscriber[1];
    Subscriber reader =
        hub.newSubscriberOf(
            List.of(selector("https://example.com/books/{id}")),
            List.of(),
            Collections.singletonList(null),
            SubscriptionFormats.DRAFT_07,
            () -> {
              Subscriber me = self[0];
              while (me.drainTo(event -> received++, 64) > 0) {
                // drain everything that is waiting
              }
              me.idle();
            });
    self[0] = reader;
    all.add(reader);
    hub.subscribe(reader, null).join();
  }

  /** The selector {@code template} reads as written, in the chosen matcher's syntax. */
  private TopicSelector selector(String template) {
    return matcher.equals("template")
        ? TopicSelector.of(template)
        : TopicSelector.urlPattern(template.replace("{id}", ":id"), HUB);
  }

  @Benchmark
  public Event publish() {
    return hub.publish(updates[(int) (published++ % TOPICS)]).join();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    all.forEach(hub::unsubscribe);
    hub.close();
    if (received != published) {
      throw new IllegalStateException(
          "received " + received + " events for " + published + " publishes (expected: equal)");
    }
  }
}
