package dev.herald.server.metrics;

import dev.herald.core.Hub;
import dev.herald.server.limits.LimitCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The hub's own figures: connections, subscriptions, events published and delivered, history size
 * and the p99 publish-to-deliver latency, read by {@code GET /metrics} (Prometheus text) and by the
 * dashboard's {@link MetricsPublisher}. A disabled instance is a null object: it records and
 * reports nothing.
 *
 * <p>{@code /metrics} also serves the JVM, process and Netty allocator meters, the latency as a
 * histogram with fixed buckets, and Mercure's names ({@code mercure_subscribers_connected}, {@code
 * mercure_subscribers_total}, {@code mercure_updates_total}) beside Herald's, so Mercure dashboards
 * work unchanged. An embedding application may pass its own {@link MeterRegistry}: the hub's meters
 * (not the JVM's, which the application owns) are registered there too, and removed again on {@link
 * #close}.
 *
 * <p>Counters are read from the hub when asked, so the hot path pays only for latency: one
 * wait-free histogram increment per delivery, into the delivering loop's own histogram ({@link
 * #latency()}, any thread), merged when read. {@link #snapshot} and {@link #scrape} may be called
 * from any thread; they share one latency window.
 */
public final class HubMetrics implements AutoCloseable {

  /** The topic the dashboard subscribes to; its snapshots are ordinary hub events. */
  public static final String TOPIC = "urn:herald:metrics";

  /** Latencies above this are counted as this; a minute-late delivery is already a disaster. */
  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

  /**
   * The shortest latency window: a scrape and a dashboard tick close together read the same window
   * instead of splitting it into two thin ones.
   */
  private static final long MIN_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(900);

  private final Hub hub;
  private final IntSupplier connections;
  private final IntSupplier streams;

  /** Held here: a FunctionCounter references its object weakly, and nothing else holds this. */
  private final LongSupplier streamsOpened;

  /** One recorder per thread that delivers (the event loops), merged when read. */
  private final List<ThreadRecorder> recorders = new CopyOnWriteArrayList<>();

  private final LatencyRecorder latency;
  private final PrometheusMeterRegistry registry;

  /** The embedding application's registry, or null; it outlives this hub. */
  private final MeterRegistry external;

  /** What this instance registered in {@link #external}, removed on close. */
  private final List<Meter> externalMeters = new ArrayList<>();

  private final List<AutoCloseable> binders = new ArrayList<>();

  // guarded by this
  /** Every latency since start, for the histogram with buckets; fixed size (about 30 KB). */
  private final Histogram cumulative = new Histogram(1, HIGHEST_NANOS, 2);

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

  /**
   * Bucket bounds of the latency histogram: sub-millisecond is the norm on a quiet hub, seconds
   * mean a saturated one; 16 buckets keep a scrape small.
   */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private HubMetrics(
      Hub hub,
      IntSupplier connections,
      IntSupplier streams,
      LongSupplier streamsOpened,
      LimitCounters limits,
      MeterRegistry external,
      boolean enabled) {
    this.hub = hub;
    this.connections = connections;
    this.streams = streams;
    this.streamsOpened = streamsOpened;
    this.external = enabled ? external : null;
    if (!enabled) {
      latency = LatencyRecorder.NONE;
      registry = null;
      return;
    }
    latency = new PerThreadLatency();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bind(registry);
    bindLimits(registry, limits);
    bindMercure(registry, streamsOpened);
    bindProcess(registry);
    if (external != null) {
      Set<Meter.Id> before = new HashSet<>();
      external.getMeters().forEach(meter -> before.add(meter.getId()));
      bind(external);
      bindMercure(external, streamsOpened);
      // No buckets here (a Micrometer Timer would cost every delivery about a microsecond):
      // the count and total of the same cumulative histogram /metrics serves with buckets.
      FunctionTimer.builder(
              "herald.delivery.latency",
              this,
              HubMetrics::latencyCount,
              HubMetrics::latencyTotalNanos,
              TimeUnit.NANOSECONDS)
          .description("Time from publish to the write on a stream, every live delivery")
          .register(external);
      // Only the meters this hub added: the application's registry is shared with its own.
      for (Meter meter : external.getMeters()) {
        String name = meter.getId().getName();
        if (!before.contains(meter.getId())
            && (name.startsWith("herald.") || name.startsWith("mercure."))) {
          externalMeters.add(meter);
        }
      }
    }
  }

  /**
   * @param connections open TCP connections (an HTTP/2 connection counts once)
   * @param streams open event streams, HTTP/1.1 and HTTP/2 alike
   * @param limits what the front door turned away or timed out
   */
  /**
   * @param connections open TCP connections (an HTTP/2 connection counts once)
   * @param streams open event streams, HTTP/1.1 and HTTP/2 alike
   * @param streamsOpened event streams opened since start, for {@code mercure_subscribers_total}
   * @param limits what the front door turned away or timed out
   * @param external the embedding application's registry, or null
   */
  public static HubMetrics create(
      Hub hub,
      IntSupplier connections,
      IntSupplier streams,
      LongSupplier streamsOpened,
      LimitCounters limits,
      MeterRegistry external) {
    return new HubMetrics(hub, connections, streams, streamsOpened, limits, external, true);
  }

  public static HubMetrics disabled(Hub hub) {
    return new HubMetrics(hub, () -> 0, () -> 0, () -> 0, null, null, false);
  }

  public boolean enabled() {
    return registry != null;
  }

  /**
   * Adds the meters of another part of the node (the outbox consumer, the webhook senders) to
   * {@code /metrics}, and to the embedding application's registry when there is one, which loses
   * them again when this closes. Does nothing when metrics are off. Any thread, once per part,
   * before {@link #close}.
   */
  public synchronized void bindPart(MeterBinder part) {
    if (registry == null) {
      return;
    }
    part.bindTo(registry);
    if (external != null) {
      Set<Meter.Id> before = new HashSet<>();
      external.getMeters().forEach(meter -> before.add(meter.getId()));
      part.bindTo(external);
      for (Meter meter : external.getMeters()) {
        if (!before.contains(meter.getId())) {
          externalMeters.add(meter);
        }
      }
    }
  }

  /** Where event streams report each live delivery's latency. */
  public LatencyRecorder latency() {
    return latency;
  }

  private void bind(MeterRegistry meters) {
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
    if (hub.sharedLogLagNanos() >= 0) { // a cluster node: its tail has started with the hub
      Gauge.builder("herald.redis.tail.lag", hub, h -> Math.max(0, h.sharedLogLagNanos()) / 1e9)
          .description(
              "How long this node's tail has been behind the cluster's shared stream (0: keeping"
                  + " up)")
          .baseUnit("seconds")
          .strongReference(true)
          .register(meters);
    }
    FunctionCounter.builder("herald.events.published", hub, Hub::publishedEvents)
        .description("Events the hub accepted")
        .register(meters);
    FunctionCounter.builder("herald.events.delivered", hub, Hub::deliveries)
        .description("Events queued for a subscriber, summed over subscribers")
        .register(meters);
    FunctionCounter.builder("herald.subscribers.cut.slow", hub, Hub::slowConsumerCuts)
        .description(
            "Streams ended because their subscriber read slower than events arrived"
                + " (its queue was full); each client resumes with Last-Event-ID")
        .register(meters);
    Gauge.builder("herald.delivery.latency.p99", this, m -> m.rollWindow() / 1_000.0)
        .description("p99 time from publish to the write on a stream, over the last window")
        .baseUnit("seconds")
        .strongReference(true)
        .register(meters);
  }

  private static void bindLimits(PrometheusMeterRegistry meters, LimitCounters limits) {
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
        .description(
            "Pauses of accepting: an accept failed (EMFILE...) or the sockets held reached"
                + " the connection limit plus the room for turning connections away")
        .register(meters);
    FunctionCounter.builder("herald.accept.failures", limits, LimitCounters::acceptFailures)
        .description("Accepts the socket layer failed (EMFILE, ENFILE...)")
        .register(meters);
  }

  /** Mercure's names beside Herald's. */
  private void bindMercure(MeterRegistry meters, LongSupplier streamsOpened) {
    Gauge.builder("mercure.subscribers.connected", hub, Hub::subscriberCount)
        .description("Subscribers connected (Mercure's name)")
        .strongReference(true)
        .register(meters);
    FunctionCounter.builder("mercure.subscribers", streamsOpened, LongSupplier::getAsLong)
        .description("Subscribers handled since start (Mercure's name)")
        .register(meters);
    FunctionCounter.builder("mercure.updates", hub, Hub::publishedEvents)
        .description("Updates published (Mercure's name)")
        .register(meters);
  }

  /** JVM, process and Netty allocator meters: only on the hub's own registry. */
  private void bindProcess(MeterRegistry meters) {
    new ClassLoaderMetrics().bindTo(meters);
    new JvmMemoryMetrics().bindTo(meters);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(meters);
    binders.add(gc);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    new FileDescriptorMetrics().bindTo(meters);
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
      new NettyAllocatorMetrics(allocator).bindTo(meters);
    }
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

  /**
   * Prometheus text exposition, with the latency as a histogram with buckets; empty when disabled.
   */
  public String scrape() {
    return registry == null ? "" : registry.scrape() + latencyHistogram();
  }

  /**
   * {@code herald_delivery_latency_seconds} in the text format, from the cumulative histogram: the
   * hot path records once, into the HdrHistogram the p99 window also reads, and the buckets are
   * counted here. Bucket bounds are exact to HdrHistogram's two significant digits; values recorded
   * in the current window (under a second old) are counted once it closes.
   */
  private synchronized String latencyHistogram() {
    rollWindow();
    StringBuilder text =
        new StringBuilder(1024)
            .append("# HELP herald_delivery_latency_seconds Time from publish to the write on a")
            .append(" stream, every live delivery\n")
            .append("# TYPE herald_delivery_latency_seconds histogram\n");
    for (Duration bound : LATENCY_BUCKETS) {
      long count =
          cumulative.getTotalCount() == 0
              ? 0
              : cumulative.getCountBetweenValues(0, bound.toNanos());
      text.append("herald_delivery_latency_seconds_bucket{le=\"")
          .append(seconds(bound))
          .append("\"} ")
          .append(count)
          .append('\n');
    }
    text.append("herald_delivery_latency_seconds_bucket{le=\"+Inf\"} ")
        .append(cumulative.getTotalCount())
        .append('\n')
        .append("herald_delivery_latency_seconds_count ")
        .append(cumulative.getTotalCount())
        .append('\n')
        .append("herald_delivery_latency_seconds_sum ")
        .append(latencyTotalNanos() / 1e9)
        .append('\n');
    return text.toString();
  }

  /**
   * {@code 0.0001}, {@code 2.5}, {@code 10.0}: plain decimals, as Prometheus clients write them.
   */
  private static String seconds(Duration bound) {
    String plain =
        java.math.BigDecimal.valueOf(bound.toNanos(), 9).stripTrailingZeros().toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  private synchronized long latencyCount() {
    rollWindow();
    return cumulative.getTotalCount();
  }

  private synchronized double latencyTotalNanos() {
    rollWindow();
    return cumulative.getTotalCount() == 0 ? 0 : cumulative.getMean() * cumulative.getTotalCount();
  }

  /** p99 in milliseconds over the latest window, NaN when it saw no delivery. */
  private synchronized double rollWindow() {
    if (registry == null) {
      return Double.NaN;
    }
    long now = System.nanoTime();
    if (window != null && now - windowEndNanos < MIN_WINDOW_NANOS) {
      return p99Millis;
    }
    if (window == null) {
      window = new Histogram(1, HIGHEST_NANOS, 2);
    } else {
      window.reset();
    }
    for (ThreadRecorder recorder : recorders) {
      window.add(recorder.interval());
    }
    cumulative.add(window);
    windowEndNanos = now;
    samples = window.getTotalCount();
    p99Millis = samples == 0 ? Double.NaN : window.getValueAtPercentile(99) / 1e6;
    return p99Millis;
  }

  /**
   * One thread's histogram: written by that thread only, read (swapped) under the metrics' lock.
   */
  private static final class ThreadRecorder implements LatencyRecorder {
    private final Recorder recorder = new Recorder(1, HIGHEST_NANOS, 2);
    private Histogram last; // guarded by the HubMetrics instance

    @Override
    public void record(long nanos) {
      recorder.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
    }

    /** What was recorded since the last call; recycles the previous interval's arrays. */
    Histogram interval() {
      last = recorder.getIntervalHistogram(last);
      return last;
    }
  }

  /** Hands each delivering thread a histogram of its own, created on its first delivery. */
  private final class PerThreadLatency implements LatencyRecorder {
    private final ThreadLocal<ThreadRecorder> own =
        ThreadLocal.withInitial(
            () -> {
              ThreadRecorder recorder = new ThreadRecorder();
              recorders.add(recorder);
              return recorder;
            });

    @Override
    public void record(long nanos) {
      own.get().record(nanos);
    }

    @Override
    public LatencyRecorder forCurrentThread() {
      return own.get();
    }
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        throw new IllegalStateException(e); // JvmGcMetrics.close throws nothing checked
      }
    }
    binders.clear();
    if (external != null) {
      externalMeters.forEach(external::remove);
      externalMeters.clear();
    }
    if (registry != null) {
      registry.close();
    }
  }
}
