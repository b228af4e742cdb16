package dev.herald.server.demo;

import dev.herald.core.Hub;
import dev.herald.core.Update;
import dev.herald.server.sse.WatchedTicker;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic demo's clock: an ordinary publisher on {@link #TOPIC} that runs only while at least
 * one {@code /sse} stream is open, so the timer is released with the last client.
 *
 * <p>Its state is confined to one event loop; {@link #streamOpened} and {@link #streamClosed} may
 * be called from any thread.
 */
public final class DemoClock {

  public static final String TOPIC = "urn:herald:demo:clock";

  private static final Logger log = LoggerFactory.getLogger(DemoClock.class);

  /** What JavaScript's {@code new Date().toISOString()} prints, as in the classic tutorial. */
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Hub hub;
  private final Clock clock;
  private final WatchedTicker ticker;

  public DemoClock(Hub hub, EventExecutor executor, Duration interval, Clock clock) {
    this.hub = hub;
    this.clock = clock;
    this.ticker = new WatchedTicker(executor, interval, () -> {}, this::tick);
  }

  public void streamOpened() {
    ticker.watcherAdded();
  }

  public void streamClosed() {
    ticker.watcherRemoved();
  }

  /** Open {@code /sse} streams; read on the clock's executor for an exact value. */
  public int openStreams() {
    return ticker.watchers();
  }

  private void tick() {
    hub.publish(Update.of(TOPIC, "server time: " + ISO_MILLIS.format(clock.instant())))
        .whenComplete(
            (event, failure) -> {
              if (failure != null) {
                log.warn("demo clock could not publish: {}", failure.getMessage());
              }
            });
  }
}
