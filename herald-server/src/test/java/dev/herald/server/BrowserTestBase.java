package dev.herald.server;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * A hub per test (from {@link ServerTestBase}) and one Chromium per test class. After each test,
 * passed or failed, the window is saved under {@code target/screenshots/} and the console is
 * checked for errors; then the page is left, so its streams close before the hub stops.
 *
 * <p>Runs on the JUnit thread (classes run one at a time, so the static browser is never shared).
 */
abstract class BrowserTestBase extends ServerTestBase {

  /**
   * How long the hub may take to see a closed EventSource go. Over HTTP/1.1 Chromium sometimes
   * keeps the connection of a cancelled response for up to 5 s, reading on in the hope of reusing
   * the socket, before it closes it (seen here under load).
   */
  static final Duration RELEASE = Duration.ofSeconds(10);

  static Browser browser;

  @BeforeAll
  static void launchBrowser() throws IOException {
    browser = Browser.launch();
  }

  @AfterAll
  static void quitBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  @BeforeEach
  void freshConsole() {
    browser.clearConsole();
  }

  @AfterEach
  void evidence(TestInfo test) {
    String name = getClass().getSimpleName() + "." + test.getTestMethod().orElseThrow().getName();
    try {
      browser.screenshot(name, null);
      browser.assertNoConsoleErrors();
    } finally {
      browser.driver.get("about:blank");
    }
  }

  /** The page of the hub under test. */
  void openPage() {
    browser.open(base + "/");
  }
}
