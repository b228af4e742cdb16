package dev.herald.server.metrics;

import dev.herald.core.Hub;
import dev.herald.core.Update;
import dev.herald.server.sse.WatchedTicker;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a JSON snapshot of {@link HubMetrics} on {@link HubMetrics#TOPIC} every interval, only
 * while at least one stream subscribed to that topic is open: the dashboard is an ordinary
 * subscriber of the hub it watches.
 *
 * <p>Its state is confined to one event loop; {@link #streamOpened} and {@link #streamClosed} may
 * be called from any thread.
 */
public final class MetricsPublisher {

  private static final Logger log = LoggerFactory.getLogger(MetricsPublisher.class);

  private final Hub hub;
  private final HubMetrics metrics;
  private final WatchedTicker ticker;
  private HubMetrics.Snapshot previous; // the ticker's executor only

  public MetricsPublisher(Hub hub, HubMetrics metrics, EventExecutor executor, Duration interval) {
    this.hub = hub;
    this.metrics = metrics;
    // The first snapshot is the base of the first rates.
    this.ticker =
        new WatchedTicker(executor, interval, () -> previous = metrics.snapshot(), this::tick);
  }

  public Duration interval() {
    return ticker.interval();
  }

  public void streamOpened() {
    ticker.watcherAdded();
  }

  public void streamClosed() {
    ticker.watcherRemoved();
  }

  /** Streams watching the figures; read on the publisher's executor for an exact value. */
  public int watchers() {
    return ticker.watchers();
  }

  private void tick() {
    HubMetrics.Snapshot now = metrics.snapshot();
    String json = toJson(now, previous);
    previous = now;
    hub.publish(Update.of(HubMetrics.TOPIC, json))
        .whenComplete(
            (event, failure) -> {
              if (failure != null) {
                log.warn("metrics could not be published: {}", failure.getMessage());
              }
            });
  }

  /** Totals and per-second rates since {@code before}; hand-written, every field is a number. */
  static String toJson(HubMetrics.Snapshot now, HubMetrics.Snapshot before) {
    double seconds = Math.max(0.001, (now.epochMillis() - before.epochMillis()) / 1000.0);
    return String.format(
        Locale.ROOT,
        "{\"time\":%d,\"connections\":%d,\"streams\":%d,\"subscriptions\":%d,"
            + "\"published\":%d,\"delivered\":%d,\"publishedPerSecond\":%.1f,"
            + "\"deliveredPerSecond\":%.1f,\"historySize\":%d,\"p99Millis\":%s,"
            + "\"latencySamples\":%d}",
        now.epochMillis(),
        now.connections(),
        now.streams(),
        now.subscriptions(),
        now.published(),
        now.delivered(),
        Math.max(0, now.published() - before.published()) / seconds,
        Math.max(0, now.delivered() - before.delivered()) / seconds,
        now.historySize(),
        Double.isNaN(now.p99Millis())
            ? "null"
            : String.format(Locale.ROOT, "%.3f", now.p99Millis()),
        now.latencySamples());
  }
}
