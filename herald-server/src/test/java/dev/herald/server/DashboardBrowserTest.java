package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The Dashboard in Chromium: the hub's figures, pushed over SSE, move under load.
 *
 * <p>Runs on the JUnit thread, which alone drives the class's browser.
 */
class DashboardBrowserTest extends BrowserTestBase {

  double figure(String id) {
    String text = browser.text(id).replace(",", "").replace(" ms", "");
    return text.equals("—") ? Double.NaN : Double.parseDouble(text);
  }

  @Test
  void figuresMoveWhenLoadIsApplied() throws Exception {
    openPage();
    browser.click("dashboard-start");
    browser.untilText("dashboard-state", "open");
    browser.until(d -> figure("fig-subscriptions") == 1); // the dashboard's own stream
    double publishedBefore = figure("fig-published");
    double historyBefore = figure("fig-history");
    assertThat(figure("fig-streams")).isEqualTo(1);

    List<SseClient> load = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        load.add(SseClient.open(http, subscribeUri("urn:load"), Map.of()));
      }
      browser.until(
          d ->
              figure("fig-subscriptions") == 4
                  && figure("fig-streams") == 4
                  && figure("fig-connections") >= 4);
      // Keep publishing until a snapshot shows the burst: each covers one second.
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                for (int i = 0; i < 10; i++) {
                  publishOk("topic=urn:load&data=" + i);
                }
                return figure("fig-delivered-rate") >= 20 && figure("fig-published-rate") >= 10;
              });
    } finally {
      load.forEach(SseClient::close);
    }
    assertThat(figure("fig-published")).isGreaterThan(publishedBefore + 10);
    assertThat(figure("fig-history")).isGreaterThan(historyBefore + 10);
    browser.until(d -> !Double.isNaN(figure("fig-p99")));
    // A latency was measured and shown; how large it may be is for the benchmarks, not a test.
    assertThat(figure("fig-p99")).isPositive();
    // Three charts, each drawn on a canvas, with data in them by now.
    assertThat(browser.driver.findElements(By.cssSelector("#dashboard .chart canvas"))).hasSize(3);
    browser.until(d -> figure("fig-subscriptions") == 1); // the load's streams went away
    browser.screenshot("panel-dashboard", "dashboard");

    browser.click("dashboard-stop");
    await().atMost(RELEASE).until(() -> server.openStreams() == 0);
  }

  @Test
  void theSameFiguresAreOnTheMetricsEndpoint() throws Exception {
    publishOk("topic=urn:load&data=x");
    openPage();
    browser.click("dashboard-start");
    browser.until(d -> figure("fig-published") >= 1);
    String metrics = get("/metrics", Map.of()).body();
    assertThat(metrics).contains("herald_subscriptions 1.0", "herald_streams_open 1.0");
  }
}
