package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard ({@code packaging/grafana/herald.json}) queries is served by a
 * running hub's {@code GET /metrics}, so no panel shows "No data" for a name that was renamed.
 */
class DashboardMetricsTest extends ServerTestBase {

  private static final Path DASHBOARD = Path.of("..", "packaging", "grafana", "herald.json");

  /** Metric names start with one of these; label names and PromQL functions never do. */
  private static final Pattern METRIC =
      Pattern.compile("\\b(?:herald|mercure|jvm|process|system|netty)_[a-zA-Z0-9_]+");

  /**
   * Panels for figures only a cluster node exports, each with the reason: absent here (checked, so
   * this list cannot outlive its reason), served by a Redis node (herald-redis's ClusterTest).
   */
  private static final Map<String, String> CLUSTER_ONLY =
      Map.of(
          "herald_redis_tail_lag_seconds",
          "a node on Redis: how far its tail of the shared stream is behind");

  @Test
  void everyQueriedMetricIsServed() throws Exception {
    publishOk("topic=" + enc("https://example.com/books/1") + "&data=hi");
    Set<String> served = servedMetricNames(get("/metrics", Map.of()).body());
    Set<String> queried = queriedMetricNames();

    assertThat(queried).as("metrics the dashboard queries").hasSizeGreaterThan(15);
    Set<String> missing = new TreeSet<>(queried);
    missing.removeAll(served);
    missing.removeAll(CLUSTER_ONLY.keySet());
    assertThat(missing).as("queried by the dashboard, not served by /metrics").isEmpty();
    assertThat(served)
        .as("listed as cluster only, but a memory hub serves them: remove them from the list")
        .doesNotContainAnyElementsOf(CLUSTER_ONLY.keySet());
    assertThat(queried).containsAll(CLUSTER_ONLY.keySet());
  }

  @Test
  void everyPanelQueriesSomething() throws Exception {
    List<Object> panels =
        JSONObjectUtils.parse(Files.readString(DASHBOARD)).get("panels") instanceof List<?> list
            ? List.copyOf(list)
            : List.of();
    assertThat(panels).isNotEmpty();
    for (Object panel : panels) {
      Map<?, ?> fields = (Map<?, ?>) panel;
      if (!"row".equals(fields.get("type"))) {
        assertThat((List<?>) fields.get("targets"))
            .as("targets of %s", fields.get("title"))
            .isNotEmpty();
      }
    }
  }

  /** Sample names of the Prometheus text format: each line's name, before labels or value. */
  private static Set<String> servedMetricNames(String exposition) {
    return exposition
        .lines()
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .map(line -> line.split("[{ ]", 2)[0])
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The metric names in every {@code expr} and variable {@code query} of the dashboard. */
  private static Set<String> queriedMetricNames() throws Exception {
    Set<String> names = new TreeSet<>();
    collect(JSONObjectUtils.parse(Files.readString(DASHBOARD)), names);
    return names;
  }

  private static void collect(Object node, Set<String> names) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (("expr".equals(entry.getKey()) || "query".equals(entry.getKey()))
            && entry.getValue() instanceof String query) {
          Matcher matcher = METRIC.matcher(query);
          while (matcher.find()) {
            names.add(matcher.group());
          }
        } else {
          collect(entry.getValue(), names);
        }
      }
    } else if (node instanceof List<?> list) {
      list.forEach(item -> collect(item, names));
    }
  }
}
