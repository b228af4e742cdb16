package dev.herald.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A latency distribution recorded in nanoseconds with 3 significant digits (HdrHistogram) and
 * summarised in milliseconds. Values above 10 minutes are recorded as 10 minutes, negative ones as
 * 0.
 *
 * <p>Not thread-safe: record from one thread (the generator's event loop).
 */
final class Latency {

  static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Histogram histogram = new Histogram(MAX_NANOS, 3);

  void record(long nanos) {
    histogram.recordValue(Math.max(0, Math.min(nanos, MAX_NANOS)));
  }

  long count() {
    return histogram.getTotalCount();
  }

  /** The value at {@code percentile} (0-100) in milliseconds; 0 when nothing was recorded. */
  double percentileMillis(double percentile) {
    return histogram.getTotalCount() == 0 ? 0 : millis(histogram.getValueAtPercentile(percentile));
  }

  /** count, min, mean, p50, p90, p99, p99_9, max (milliseconds). */
  Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    long count = histogram.getTotalCount();
    out.put("count", count);
    out.put("min", count == 0 ? 0.0 : millis(histogram.getMinValue()));
    out.put("mean", count == 0 ? 0.0 : histogram.getMean() / 1e6);
    out.put("p50", percentileMillis(50));
    out.put("p90", percentileMillis(90));
    out.put("p99", percentileMillis(99));
    out.put("p99_9", percentileMillis(99.9));
    out.put("max", count == 0 ? 0.0 : millis(histogram.getMaxValue()));
    return out;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
