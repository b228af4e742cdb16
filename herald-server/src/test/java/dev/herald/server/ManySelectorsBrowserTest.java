package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The third cure for the browser's connection limit at full size, in Chromium: one {@code
 * EventSource} with 1,000 topic selectors of ordinary URL length (a 46 KB query, once answered
 * {@code 400 An HTTP line is larger than 4096 bytes}) opens and receives an update on its last
 * topic.
 *
 * <p>Runs on the JUnit thread, which alone drives the class's browser.
 */
class ManySelectorsBrowserTest extends BrowserTestBase {

  @Test
  void oneEventSourceWithAThousandTopicsReceivesAnUpdateOnItsLast() throws Exception {
    openPage();
    Object queryLength =
        browser.script(
            """
        const url = new URL('/.well-known/mercure', location.href);
        for (let i = 0; i < 1000; i++) {
          url.searchParams.append('topic', 'https://example.com/books/' + i);
        }
        window.manySelectors = { open: false, data: null };
        const events = new EventSource(url);
        events.onopen = () => { window.manySelectors.open = true; };
        events.onmessage = (e) => { window.manySelectors.data = e.data; };
        window.manySelectorsSource = events;
        return url.search.length;
        """);
    assertThat(((Number) queryLength).intValue()).isGreaterThan(40_000);
    browser.until(d -> Boolean.TRUE.equals(browser.script("return window.manySelectors.open")));
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openStreams() == 1);

    publishOk("topic=" + enc("https://example.com/books/999") + "&data=the-last-book");
    browser.until(d -> "the-last-book".equals(browser.script("return window.manySelectors.data")));

    browser.script("window.manySelectorsSource.close()");
    await().atMost(RELEASE).until(() -> server.openStreams() == 0);
  }
}
