package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 in Chromium: the browser's six connections per origin over HTTP/1.1, and the two cures a
 * page can use by itself, HTTP/2 and one EventSource carrying many topics.
 *
 * <p>Runs on the JUnit thread, which alone drives the class's browser.
 */
class ConnectionLimitBrowserTest extends BrowserTestBase {

  private static final String TEN = "10";

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .tlsListen(List.of(new InetSocketAddress("127.0.0.1", 0)))
        .developmentTokens(true);
  }

  int number(String id) {
    return Integer.parseInt(browser.text(id));
  }

  void fillTokens() {
    browser.click("dev-token");
    browser.until(d -> browser.text("dev-token-result").startsWith("Filled in tokens"));
  }

  @Test
  void overHttp11OnlySixOfTenEventSourcesOpenAndTheRestWait() {
    openPage();
    assertThat(browser.text("limits-protocol")).isEqualTo("http/1.1");
    browser.type("limits-n", TEN);
    browser.click("limits-separate");
    browser.until(d -> number("limits-open") == 6);
    // Give the four others every chance to open: they must stay pending.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> number("limits-open") == 6 && number("limits-pending") == 4);
    assertThat(number("limits-total")).isEqualTo(10);
    assertThat(server.openStreams()).isEqualTo(6);
    browser.screenshot("panel-limits-http1", "limits");

    browser.click("limits-close");
    await()
        .atMost(RELEASE)
        .untilAsserted(
            () ->
                assertThat(server.openStreams())
                    .as(
                        "streams still open; page says %s",
                        browser.script(
                            "return [...document.querySelectorAll('#limits-streams li')].map(li => li.textContent).join(', ')"))
                    .isZero());
  }

  @Test
  void overHttp2AllTenOpenAndReceive() {
    openPage();
    browser.click("limits-h2-link"); // the page links to the hub's TLS port, from /info
    browser.until(d -> d.getCurrentUrl().startsWith("https://127.0.0.1:" + server.tlsPort() + "/"));
    browser.until(d -> browser.text("limits-protocol").equals("h2"));
    fillTokens();
    browser.type("limits-n", TEN);
    browser.click("limits-separate");
    browser.until(d -> number("limits-open") == 10);
    assertThat(number("limits-pending")).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openStreams() == 10);

    browser.click("limits-send");
    browser.until(d -> number("limits-receiving") == 10);
    assertThat(browser.text("limits-result")).isEqualTo("Published one event to each of 10 topics");
    browser.screenshot("panel-limits-h2", "limits");
  }

  @Test
  void oneEventSourceWithTenTopicsReceivesThemAll() {
    openPage();
    fillTokens();
    browser.type("limits-n", TEN);
    browser.click("limits-multi");
    browser.until(d -> number("limits-open") == 1);
    assertThat(number("limits-total")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openStreams() == 1);

    browser.click("limits-send");
    browser.until(d -> number("limits-receiving") == 10);
    assertThat(server.openStreams()).isEqualTo(1);
    browser.screenshot("panel-limits-multiplexed", "limits");
  }

  @Test
  void tenTabsOverHttp11ShareOneConnectionAndAllReceive() {
    openPage();
    assertThat(browser.text("limits-protocol")).isEqualTo("http/1.1");
    fillTokens();
    browser.type("limits-n", TEN);
    browser.click("limits-tabs");
    browser.until(d -> number("limits-open") == 10);
    assertThat(number("limits-total")).isEqualTo(10);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 1);
    browser.until(d -> browser.text("limits-hub-streams").equals("1"));
    assertThat(
            browser.script(
                "return document.querySelectorAll('#limits-streams li[data-leader=\"true\"]').length"))
        .isEqualTo(1L);

    browser.click("limits-send");
    browser.until(d -> number("limits-receiving") == 10);
    assertThat(
            browser.script(
                "return [...document.querySelectorAll('#limits-topics li')]"
                    + ".map(li => li.dataset.received).join(',')"))
        .isEqualTo("1,1,1,1,1,1,1,1,1,1");
    assertThat(server.openStreams()).isEqualTo(1);
    browser.screenshot("panel-limits-tabs", "limits");

    browser.click("limits-close");
    await().atMost(RELEASE).until(() -> server.openStreams() == 0);
  }
}
