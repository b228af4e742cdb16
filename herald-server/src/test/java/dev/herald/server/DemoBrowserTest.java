package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Hub;
import dev.herald.core.Update;
import dev.herald.core.history.MemoryHistory;
import dev.herald.server.demo.DemoClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;

/**
 * The Demo panel in Chromium: connect, disconnect, and the browser's own reconnection.
 *
 * <p>Runs on the JUnit thread, which alone drives the class's browser.
 */
class DemoBrowserTest extends BrowserTestBase {

  private static final String SERVER_TIME =
      "server time: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

  /** One line of the demo's message list: the event id (empty for none) and the data or note. */
  record Line(boolean separator, String id, String text) {}

  @SuppressWarnings("unchecked")
  List<Line> lines() {
    List<List<Object>> raw =
        (List<List<Object>>)
            browser.script(
                "return [...document.querySelectorAll('#demo-messages li')].map(li => ["
                    + "li.classList.contains('separator'), li.dataset.id || '',"
                    + " (li.querySelector('.data') || li.querySelector('.note')).textContent]);");
    List<Line> out = new ArrayList<>();
    for (List<Object> line : raw) {
      out.add(new Line((Boolean) line.get(0), (String) line.get(1), (String) line.get(2)));
    }
    return out;
  }

  List<Line> clockLines() {
    return lines().stream().filter(l -> l.text().matches(SERVER_TIME)).toList();
  }

  @Test
  void connectShowsConnectedThenServerTimeAndDisconnectReleasesTheStream() {
    openPage();
    // Keyboard only: Tab to the Connect button and press Enter.
    for (int i = 0;
        i < 20 && !"connect".equals(browser.script("return document.activeElement.id"));
        i++) {
      browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
    }
    assertThat(browser.script("return document.activeElement.id"))
        .as("Tab reaches Connect")
        .isEqualTo("connect");
    browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);

    browser.untilText("demo-state", "open");
    browser.until(d -> clockLines().size() >= 3);
    List<Line> lines = lines();
    assertThat(lines.get(0).text()).isEqualTo("connected");
    assertThat(lines.subList(1, 4))
        .allSatisfy(
            l -> {
              assertThat(l.text()).matches(SERVER_TIME);
              assertThat(l.id()).startsWith("urn:uuid:");
            });
    assertThat(browser.text("demo-last-id")).isEqualTo(lines.get(lines.size() - 1).id());
    assertThat(server.openStreams()).isEqualTo(1);
    browser.screenshot("panel-demo", "demo");

    browser.click("disconnect");
    browser.untilText("demo-state", "closed");
    await()
        .atMost(RELEASE)
        .until(() -> server.openStreams() == 0 && server.hub().subscriberCount() == 0);
    int shown = lines().size();
    // Three clock intervals without a new message: the page really stopped listening.
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(3))
        .until(() -> lines().size() == shown);
  }

  @Test
  void reconnectsByItselfAfterARestartAndShowsEveryMissedEventOnce() throws Exception {
    MemoryHistory shared = new MemoryHistory(1_000);
    int port = server.port();
    ServerConfig config =
        config()
            .listen(List.of(new InetSocketAddress("127.0.0.1", port)))
            .shutdownGrace(Duration.ofSeconds(5))
            .build();
    server.close();
    server = HeraldServer.builder(config).hub(new Hub(config.hub(), shared)).start();

    openPage();
    browser.click("connect");
    browser.untilText("demo-state", "open");
    browser.until(d -> clockLines().size() >= 2);

    server.close(); // ends the stream with a retry: hint of 1 to 5 s
    browser.untilText("demo-state", "reconnecting");
    String lastSeen = browser.text("demo-last-id");
    List<String> seenBefore = lines().stream().map(Line::id).filter(id -> !id.isEmpty()).toList();

    // Published while no listener is bound, so the page cannot have received them live.
    Hub next = new Hub(config.hub(), shared);
    List<String> missed = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      missed.add(
          next.publish(Update.of(DemoClock.TOPIC, "missed " + i)).get(5, TimeUnit.SECONDS).id());
    }
    server = HeraldServer.builder(config).hub(next).start();

    browser.untilText("demo-state", "open");
    browser.until(d -> lines().stream().filter(l -> l.text().equals("missed 3")).count() == 1);
    assertThat(browser.text("demo-reconnects")).isEqualTo("1");
    browser.until(d -> clockLines().size() >= seenBefore.size() + 1); // live again after the replay

    List<Line> lines = lines();
    int separator = indexOf(lines, l -> l.separator() && l.text().startsWith("Reconnected"));
    assertThat(lines.get(separator).text()).contains("resuming after id " + lastSeen);
    List<Line> after = lines.subList(separator + 1, lines.size());
    assertThat(after.get(0).text()).isEqualTo("connected");
    assertThat(after.subList(1, 4))
        .extracting(Line::text)
        .containsExactly("missed 1", "missed 2", "missed 3");
    assertThat(after.subList(1, 4)).extracting(Line::id).containsExactlyElementsOf(missed);
    List<String> ids = lines.stream().map(Line::id).filter(id -> !id.isEmpty()).toList();
    assertThat(ids).as("every event once in " + lines).doesNotHaveDuplicates();
    assertThat(ids).containsSubsequence(seenBefore);
    assertThat(Collections.frequency(lines.stream().map(Line::text).toList(), "missed 2"))
        .isEqualTo(1);
    browser.screenshot("panel-demo-reconnected", "demo");
  }

  @Test
  void readableOnAPhoneSizedScreen() {
    Dimension desktop = browser.driver.manage().window().getSize();
    try {
      browser.driver.manage().window().setSize(new Dimension(375, 812));
      openPage();
      browser.until(d -> ((Number) browser.script("return window.innerWidth")).intValue() <= 375);
      Object overflow =
          browser.script(
              "return [...document.querySelectorAll('body *')]"
                  + ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                  + ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5);");
      assertThat((List<?>) overflow).as("elements wider than the screen").isEmpty();
      assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
          .isEqualTo(true);
      browser.screenshot("panel-phone", null);
    } finally {
      browser.driver.manage().window().setSize(desktop);
    }
  }

  private static int indexOf(List<Line> lines, java.util.function.Predicate<Line> test) {
    for (int i = 0; i < lines.size(); i++) {
      if (test.test(lines.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such line in " + lines);
  }
}
