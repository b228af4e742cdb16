package dev.herald.bench.jmh;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.server.http.SubscriptionFormats;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * One update fanned out to 10,000 subscribers through {@link Hub#publish}: encoding, the hand-off
 * to the dispatcher thread, history append, the subscriber index lookup, one queue offer and one
 * wake-up per subscriber, and the subscriber's drain. The publish future completes after the
 * dispatcher offered the event to everyone, so {@code join()} times the whole fan-out.
 *
 * <p>Each subscriber's wake-up drains it inline, on the dispatcher thread (which is therefore the
 * subscriber's owner here), so the figure is the hub core alone, without sockets or event-loop
 * hand-offs. Selector kinds: {@code exact} (everyone subscribed to the published topic), {@code
 * any} ({@code *}), {@code template} (one URI template shared by all) and {@code templates} (10,000
 * distinct templates, one per subscriber, each evaluated per publish; one matches).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanOutBenchmark {

  @Param({"10000"})
  public int subscribers;

  @Param({"exact", "any", "template", "templates"})
  public String kind;

  private Hub hub;
  private Subscriber[] all;
  private Update update;
  private long received; // dispatcher thread only, read after join()
  private long published;

  @Setup(Level.Trial)
  public void setUp() {
    hub = new Hub(HubConfig.DEFAULTS.withHistorySize(1_000));
    all = new Subscriber[subscribers];
    Consumer<Event> count = event -> received++;
    for (int i = 0; i < subscribers; i++) {
      Subscriber[] self = new Subscriber[1];
      Subscriber subscriber =
          hub.newSubscriber(
              List.of(selector(i)),
              List.of(),
              null,
              SubscriptionFormats.DRAFT_07,
              () -> {
                Subscriber s = self[0];
                while (s.drainTo(count, 64) > 0) {
                  // drain everything that is waiting
                }
                s.idle();
              });
      self[0] = subscriber;
      all[i] = subscriber;
      hub.subscribe(subscriber, null).join();
    }
    update = Update.of("https://example.com/users/7/books/1", "lgts1234567890123");
  }

  private String selector(int i) {
    return switch (kind) {
      case "exact" -> "https://example.com/users/7/books/1";
      case "any" -> "*";
      case "template" -> "https://example.com/users/{user}/books/{id}";
      case "templates" -> "https://example.com/users/" + i + "/books/{id}";
      default -> throw new IllegalArgumentException("kind: " + kind);
    };
  }

  @Benchmark
  public Event publish() {
    published++;
    return hub.publish(update).join();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long perPublish = kind.equals("templates") ? 1 : subscribers;
    for (Subscriber subscriber : all) {
      hub.unsubscribe(subscriber);
    }
    hub.close();
    if (received != published * perPublish) {
      throw new IllegalStateException(
          "received "
              + received
              + " events for "
              + published
              + " publishes (expected: "
              + published * perPublish
              + ")");
    }
  }
}
