package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyTest {

  @Test
  void percentilesOfOneToThousandMilliseconds() {
    Latency latency = new Latency();
    for (int ms = 1000; ms >= 1; ms--) {
      latency.record(ms * 1_000_000L);
    }
    Map<String, Object> summary = latency.summary();
    assertThat(summary.get("count")).isEqualTo(1000L);
    // HdrHistogram with 3 significant digits: within 0.1 % of the exact value.
    assertThat((double) summary.get("min")).isCloseTo(1.0, within(0.001));
    assertThat((double) summary.get("p50")).isCloseTo(500.0, within(0.5));
    assertThat((double) summary.get("p90")).isCloseTo(900.0, within(0.9));
    assertThat((double) summary.get("p99")).isCloseTo(990.0, within(1.0));
    assertThat((double) summary.get("p99_9")).isCloseTo(999.0, within(1.0));
    assertThat((double) summary.get("max")).isCloseTo(1000.0, within(1.0));
    assertThat((double) summary.get("mean")).isCloseTo(500.5, within(0.5));
  }

  @Test
  void outOfRangeValuesAreClampedNotLost() {
    Latency latency = new Latency();
    latency.record(-5);
    latency.record(Long.MAX_VALUE);
    assertThat(latency.count()).isEqualTo(2);
    assertThat(latency.percentileMillis(100)).isCloseTo(Latency.MAX_NANOS / 1e6, within(600.0));
  }

  @Test
  void emptyHistogramSummarisesToZeros() {
    assertThat(new Latency().summary()).containsEntry("count", 0L).containsEntry("p99", 0.0);
  }

  @Test
  void jsonKeepsOrderAndRoundsToThreeDecimals() {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    map.put("b", 1.23456);
    map.put("a", java.util.List.of(1, "x\"y", true));
    map.put("n", null);
    map.put("nan", Double.NaN);
    map.put("k", 1000.0004);
    map.put("ctl", "a\nb\u0001");
    map.put("url", "http://h/?a=b&c<d");
    assertThat(Json.write(map))
        .isEqualTo(
            "{\"b\":1.235,\"a\":[1,\"x\\\"y\",true],\"n\":null,"
                + "\"nan\":null,\"k\":1000,\"ctl\":\"a\\nb\\u0001\",\"url\":\"http://h/?a=b&c<d\"}");
  }
}
