package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Hub;
import dev.herald.core.Update;
import dev.herald.core.history.MemoryHistory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WindowType;

/**
 * Issue 14 in Chromium over HTTP/1.1: real tabs of one browser profile, each a page that subscribes
 * through {@code /herald.js}, share one connection to the hub; each gets exactly its events;
 * closing the tab that holds the connection, subscribing to more while events flow and restarting
 * the hub lose nothing and repeat nothing.
 *
 * <p>Runs on the JUnit thread, which alone drives the class's browser; publishers that must run
 * while the browser is driven run on a pool thread.
 */
class ManyTabsBrowserTest extends BrowserTestBase {

  /** Bounds every wait; generous because the suite shares a 2-core machine with other builds. */
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private static final String SHARED = "urn:tabs:shared";

  /** Window handles of the tabs this test opened, the first one being the browser's own. */
  private final List<String> tabs = new ArrayList<>();

  /**
   * Leaves one fresh tab, so the next test (and the evidence taken after this one) finds a live
   * window.
   */
  @AfterEach
  void closeTheTabs() {
    List<String> old = new ArrayList<>(browser.driver.getWindowHandles());
    browser.driver.switchTo().newWindow(WindowType.TAB);
    String fresh = browser.driver.getWindowHandle();
    for (String handle : old) {
      try {
        browser.driver.switchTo().window(handle).close();
      } catch (RuntimeException crashed) {
        // a tab this test crashed may refuse; the browser is quit after the class anyway
      }
    }
    browser.driver.switchTo().window(fresh);
  }

  private static String own(int i) {
    return "urn:tabs:" + i;
  }

  /** Opens one more tab on the tab page with these topics; the first replaces the blank window. */
  private String openTab(String name, String... topics) {
    if (!tabs.isEmpty()) {
      browser.driver.switchTo().newWindow(WindowType.TAB);
    }
    StringBuilder url = new StringBuilder(base + "/ui/tab.html?name=" + enc(name));
    for (String topic : topics) {
      url.append("&topic=").append(enc(topic));
    }
    browser.driver.get(url.toString());
    browser.until(
        d -> Boolean.TRUE.equals(browser.script("return window.heraldTab !== undefined")));
    String handle = browser.driver.getWindowHandle();
    tabs.add(handle);
    return handle;
  }

  private Object in(String tab, String script) {
    browser.driver.switchTo().window(tab);
    return browser.script(script);
  }

  @SuppressWarnings("unchecked")
  private List<String> received(String tab) {
    return (List<String>) in(tab, "return window.heraldTab.received.map(e => e.data)");
  }

  private boolean leads(String tab) {
    return Boolean.TRUE.equals(in(tab, "return window.heraldTab.hub.isLeader"));
  }

  private String state(String tab) {
    return (String) in(tab, "return window.heraldTab.hub.state");
  }

  private List<String> leaders() {
    return tabs.stream().filter(this::leads).toList();
  }

  /** Every tab's connection is open, one tab leads, and the hub holds one stream. */
  private void untilOneStreamForAll() {
    await()
        .atMost(SETTLE)
        .untilAsserted(
            () -> {
              assertThat(tabs).allSatisfy(tab -> assertThat(state(tab)).isEqualTo("open"));
              assertThat(leaders()).hasSize(1);
              assertThat(server.openStreams()).isEqualTo(1);
            });
  }

  private void publish(String topic, String data) throws Exception {
    publishOk("topic=" + enc(topic) + "&data=" + enc(data));
  }

  private static List<String> numbers(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).toList();
  }

  /** Publishes to the shared topic on a pool thread, so it runs while the browser is driven. */
  private CompletableFuture<Void> publishInBackground(int from, int to) {
    return CompletableFuture.runAsync(
        () -> {
          for (int i = from; i <= to; i++) {
            try {
              publish(SHARED, Integer.toString(i));
            } catch (Exception e) {
              throw new IllegalStateException("publishing " + i, e);
            }
          }
        });
  }

  @Test
  void tenTabsOverHttp11ShareOneStreamAndEachGetsExactlyItsEvents() throws Exception {
    for (int i = 0; i < 10; i++) {
      openTab("tab " + i, own(i), SHARED);
    }
    assertThat(
            in(tabs.get(0), "return performance.getEntriesByType('navigation')[0].nextHopProtocol"))
        .isEqualTo("http/1.1");
    untilOneStreamForAll();

    for (int i = 0; i < 10; i++) {
      publish(own(i), "own " + i);
    }
    publish(SHARED, "shared");
    publish("urn:tabs:nobody", "for no tab");
    publish(SHARED, "fence"); // in order after everything above: once it is in, nothing else comes
    for (int i = 0; i < 10; i++) {
      String tab = tabs.get(i);
      await().atMost(SETTLE).until(() -> received(tab).contains("fence"));
      assertThat(received(tab)).as("tab %d", i).containsExactly("own " + i, "shared", "fence");
    }
    assertThat(server.openStreams()).isEqualTo(1);
    assertThat(get("/metrics", Map.of()).body()).contains("herald_streams_open 1.0");
    browser.driver.switchTo().window(leaders().get(0));
    browser.screenshot("tabs-leader", null);
  }

  @Test
  void closingTheLeaderWhilePublishingLosesNothingAndRepeatsNothing() throws Exception {
    for (int i = 0; i < 5; i++) {
      openTab("tab " + i, own(i), SHARED);
    }
    untilOneStreamForAll();
    for (int i = 1; i <= 20; i++) {
      publish(SHARED, Integer.toString(i));
    }
    for (String tab : tabs) {
      await().atMost(SETTLE).until(() -> received(tab).size() == 20);
    }

    String leader = leaders().get(0);
    CompletableFuture<Void> publishing = publishInBackground(21, 150);
    browser.driver.switchTo().window(leader).close();
    tabs.remove(leader);
    publishing.get(30, TimeUnit.SECONDS);

    untilOneStreamForAll();
    assertThat(leaders()).doesNotContain(leader);
    List<String> expected = numbers(1, 150);
    for (String tab : tabs) {
      await().atMost(SETTLE).until(() -> received(tab).size() >= 150);
      assertThat(received(tab)).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aLeaderTabThatCrashesIsReplacedAndNothingIsLost() throws Exception {
    for (int i = 0; i < 3; i++) {
      openTab("tab " + i, own(i), SHARED);
    }
    untilOneStreamForAll();
    for (int i = 1; i <= 10; i++) {
      publish(SHARED, Integer.toString(i));
    }
    for (String tab : tabs) {
      await().atMost(SETTLE).until(() -> received(tab).size() == 10);
    }

    String leader = leaders().get(0);
    browser.driver.switchTo().window(leader);
    // The renderer dies: no pagehide, no goodbye; only the browser's release of its locks remains.
    try {
      browser.driver.get("chrome://crash");
    } catch (RuntimeException crashed) {
      // chromedriver reports the crashed tab
    }
    tabs.remove(leader);
    CompletableFuture<Void> publishing = publishInBackground(11, 60);
    publishing.get(30, TimeUnit.SECONDS);

    untilOneStreamForAll();
    for (String tab : tabs) {
      await().atMost(SETTLE).until(() -> received(tab).size() >= 60);
      assertThat(received(tab)).containsExactlyElementsOf(numbers(1, 60));
    }
  }

  @Test
  void aFrozenLeaderTabHandsOverAndNothingIsLost() throws Exception {
    for (int i = 0; i < 3; i++) {
      openTab("tab " + i, own(i), SHARED);
    }
    untilOneStreamForAll();
    for (int i = 1; i <= 10; i++) {
      publish(SHARED, Integer.toString(i));
    }
    for (String tab : tabs) {
      await().atMost(SETTLE).until(() -> received(tab).size() == 10);
    }

    String leader = leaders().get(0);
    browser.driver.switchTo().window(leader);
    // What Chrome does to a background tab to save power: the page gets 'freeze', then stops.
    browser.driver.executeCdpCommand("Page.setWebLifecycleState", Map.of("state", "frozen"));
    List<String> others = tabs.stream().filter(tab -> !tab.equals(leader)).toList();
    publishInBackground(11, 60).get(30, TimeUnit.SECONDS);

    await()
        .atMost(SETTLE)
        .untilAsserted(
            () -> {
              assertThat(others.stream().filter(this::leads).count()).isEqualTo(1);
              assertThat(server.openStreams()).isEqualTo(1);
            });
    for (String tab : others) {
      await().atMost(SETTLE).until(() -> received(tab).size() >= 60);
      assertThat(received(tab)).containsExactlyElementsOf(numbers(1, 60));
    }
    browser.driver.switchTo().window(leader);
    browser.driver.executeCdpCommand("Page.setWebLifecycleState", Map.of("state", "active"));
    assertThat(leads(leader)).isFalse();
  }

  @Test
  void aTabSubscribingToMoreWhileEventsFlowCausesNoGapAndNoDuplicateElsewhere() throws Exception {
    for (int i = 0; i < 3; i++) {
      openTab("tab " + i, own(i), SHARED);
    }
    untilOneStreamForAll();
    String late = tabs.get(1);
    CompletableFuture<Void> publishing = publishInBackground(1, 150);
    in(
        late,
        "window.lateEvents = []; window.heraldTab.hub.subscribe(['urn:tabs:late'],"
            + " (e) => window.lateEvents.push(e.data))");
    publishing.get(30, TimeUnit.SECONDS);
    publish("urn:tabs:late", "late one");

    await()
        .atMost(SETTLE)
        .until(() -> List.of("late one").equals(in(late, "return window.lateEvents")));
    List<String> expected = numbers(1, 150);
    for (String tab : tabs) {
      await().atMost(SETTLE).until(() -> received(tab).size() >= 150);
      assertThat(received(tab)).containsExactlyElementsOf(expected);
    }
    untilOneStreamForAll();
  }

  @Test
  void aStandardEventSourceIgnoresTheExtraField() throws Exception {
    String tab = openTab("plain");
    in(
        tab,
        "window.plain = []; const es = new EventSource('/.well-known/mercure?topic=a&topic=b"
            + "&herald-match=1'); es.onmessage = (e) => window.plain.push([e.lastEventId, e.data]);"
            + " window.plainSource = es;");
    browser.until(
        d -> Long.valueOf(1).equals(browser.script("return window.plainSource.readyState")));
    String id = publishOk("topic=b&data=" + enc("line 1\nline 2"));

    browser.until(d -> !((List<?>) browser.script("return window.plain")).isEmpty());
    assertThat(browser.script("return window.plain"))
        .isEqualTo(List.of(List.of(id, "line 1\nline 2")));
    browser.script("window.plainSource.close()");
  }

  @Test
  void aHubRestartUnderTheTabsResumesFromTheLastId() throws Exception {
    MemoryHistory history = new MemoryHistory(1_000);
    ServerConfig config =
        config()
            .listen(List.of(new InetSocketAddress("127.0.0.1", server.port())))
            .shutdownGrace(Duration.ofSeconds(5))
            .build();
    server.close();
    server = HeraldServer.builder(config).hub(new Hub(config.hub(), history)).start();
    for (int i = 0; i < 3; i++) {
      openTab("tab " + i, own(i), SHARED);
    }
    untilOneStreamForAll();
    for (int i = 1; i <= 3; i++) {
      publish(SHARED, Integer.toString(i));
    }
    for (String tab : tabs) {
      await().atMost(SETTLE).until(() -> received(tab).size() == 3);
    }

    server.close(); // ends the stream with a retry: hint of 1 to 5 s
    Hub next = new Hub(config.hub(), history);
    for (int i = 4; i <= 6; i++) { // while no hub listens: only a resume by id can deliver them
      next.publish(Update.of(SHARED, Integer.toString(i))).get(5, TimeUnit.SECONDS);
    }
    server = HeraldServer.builder(config).hub(next).start();

    for (String tab : tabs) {
      await().atMost(SETTLE).until(() -> received(tab).size() >= 6);
      assertThat(received(tab)).containsExactlyElementsOf(numbers(1, 6));
      assertThat(in(tab, "return window.heraldTab.missing()")).isEqualTo(0L);
    }
    untilOneStreamForAll();
  }
}
