package dev.herald.server.metrics;

import dev.herald.core.Hub;
import dev.herald.server.limits.LimitCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The hub's own figures: connections, subscriptions, events published and delivered, history
 * size and the p99 publish-to-deliver latency, read by {@code GET /metrics} (Prometheus text) and
 * by the dashboard's {@link MetricsPublisher}. A disabled instance is a null object: it records
 * and reports nothing.
 *
 * <p>Counters are read from the hub when asked, so the hot path pays only for latency: one
 * wait-free histogram increment per delivery ({@link #latency()}, any thread). {@link #snapshot}
 * and {@link #scrape} may be called from any thread; they share one latency window.
 */
public final class HubMetrics implements AutoCloseable {

  /** The topic the dashboard subscribes to; its snapshots are ordinary hub events. */
  public static final String TOPIC = "urn:herald:metrics";

  /** Latencies above this are counted as this; a minute-late delivery is already a disaster. */
  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

  /**
   * The shortest latency window: a scrape and a dashboard tick close together read the same
   * window instead of splitting it into two thin ones.
   */
  private static final long MIN_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(900);

  private final Hub hub;
  private final IntSupplier connections;
  private final IntSupplier streams;
  private final Recorder recorder;
  private final LatencyRecorder latency;
  private final PrometheusMeterRegistry registry;
  // guarded by this
  private Histogram window;
  private long windowEndNanos;
  private double p99Millis = Double.NaN;
  private long samples;

  /** The figures at one moment; the counters are totals since the hub started. */
  public record Snapshot(
      long epochMillis,
      int connections,
      int streams,
      int subscriptions,
      long published,
      long delivered,
      long historySize,
      double p99Millis,
      long latencySamples) {}

  private HubMetrics(Hub hub, IntSupplier connections, IntSupplier streams,
      LimitCounters limits, boolean enabled) {
    this.hub = hub;
    this.connections = connections;
    this.streams = streams;
    if (!enabled) {
      recorder = null;
      latency = LatencyRecorder.NONE;
      registry = null;
      return;
    }
    Recorder histogram = new Recorder(1, HIGHEST_NANOS, 2);
    recorder = histogram;
    latency = nanos -> histogram.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bind(registry);
    bind(registry, limits);
  }

  /**
   * @param connections open TCP connections (an HTTP/2 connection counts once)
   * @param streams open event streams, HTTP/1.1 and HTTP/2 alike
   * @param limits what the front door turned away or timed out
   */
  public static HubMetrics create(Hub hub, IntSupplier connections, IntSupplier streams,
      LimitCounters limits) {
    return new HubMetrics(hub, connections, streams, limits, true);
  }

  public static HubMetrics disabled(Hub hub) {
    return new HubMetrics(hub, () -> 0, () -> 0, null, false);
  }

  public boolean enabled() {
    return registry != null;
  }

  /** Where event streams report each live delivery's latency. */
  public LatencyRecorder latency() {
    return latency;
  }

  private void bind(PrometheusMeterRegistry meters) {
    // Strong references: the suppliers are lambdas nothing else holds.
    Gauge.builder("herald.connections", connections, IntSupplier::getAsInt)
        .description("Open TCP connections (an HTTP/2 connection counts once)")
        .strongReference(true)
        .register(meters);
    Gauge.builder("herald.streams.open", streams, IntSupplier::getAsInt)
        .description("Open event streams, HTTP/1.1 and HTTP/2")
        .strongReference(true)
        .register(meters);
    Gauge.builder("herald.subscriptions", hub, Hub::subscriberCount)
        .description("Subscribers registered with the hub")
        .strongReference(true)
        .register(meters);
    Gauge.builder("herald.history.events", hub, Hub::historySize)
        .description("Events retained for reconnecting subscribers (-1: unknown)")
        .strongReference(true)
        .register(meters);
    FunctionCounter.builder("herald.events.published", hub, Hub::publishedEvents)
        .description("Events the hub accepted")
        .register(meters);
    FunctionCounter.builder("herald.events.delivered", hub, Hub::deliveries)
        .description("Events queued for a subscriber, summed over subscribers")
        .register(meters);
    Gauge.builder("herald.delivery.latency.p99", this, m -> m.rollWindow() / 1_000.0)
        .description("p99 time from publish to the write on a stream, over the last window")
        .baseUnit("seconds")
        .strongReference(true)
        .register(meters);
  }

  private static void bind(PrometheusMeterRegistry meters, LimitCounters limits) {
    for (LimitCounters.Rejection reason : LimitCounters.Rejection.values()) {
      FunctionCounter.builder("herald.rejected", limits, l -> l.rejections(reason))
          .description("Connections and requests turned away by a limit, by reason")
          .tag("reason", reason.label())
          .register(meters);
    }
    for (LimitCounters.Timeout phase : LimitCounters.Timeout.values()) {
      FunctionCounter.builder("herald.timeouts", limits, l -> l.timeouts(phase))
          .description("Connections closed by a timeout, by phase (header, body, idle)")
          .tag("phase", phase.label())
          .register(meters);
    }
    FunctionCounter.builder("herald.accept.backoffs", limits, LimitCounters::acceptBackoffs)
        .description("Pauses of accepting: an accept failed (EMFILE...) or the sockets held reached"
            + " the connection limit plus the room for turning connections away")
        .register(meters);
    FunctionCounter.builder("herald.accept.failures", limits, LimitCounters::acceptFailures)
        .description("Accepts the socket layer failed (EMFILE, ENFILE...)")
        .register(meters);
  }

  /** The figures now; closes the current latency window if it is old enough. */
  public Snapshot snapshot() {
    double p99;
    long count;
    synchronized (this) {
      p99 = rollWindow();
      count = samples;
    }
    return new Snapshot(
        System.currentTimeMillis(),
        connections.getAsInt(),
        streams.getAsInt(),
        hub.subscriberCount(),
        hub.publishedEvents(),
        hub.deliveries(),
        hub.historySize(),
        p99,
        count);
  }

  /** Prometheus text exposition; empty when disabled. */
  public String scrape() {
    return registry == null ? "" : registry.scrape();
  }

  /** p99 in milliseconds over the latest window, NaN when it saw no delivery. */
  private synchronized double rollWindow() {
    if (recorder == null) {
      return Double.NaN;
    }
    long now = System.nanoTime();
    if (window != null && now - windowEndNanos < MIN_WINDOW_NANOS) {
      return p99Millis;
    }
    window = recorder.getIntervalHistogram(window); // recycles the previous window's arrays
    windowEndNanos = now;
    samples = window.getTotalCount();
    p99Millis = samples == 0 ? Double.NaN : window.getValueAtPercentile(99) / 1e6;
    return p99Millis;
  }

  @Override
  public void close() {
    if (registry != null) {
      registry.close();
    }
  }
}
