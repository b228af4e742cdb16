package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Playground in Chromium: tokens from the development helper, private updates, templates.
 *
 * <p>Runs on the JUnit thread, which alone drives the class's browser.
 */
class PlaygroundBrowserTest extends BrowserTestBase {

  @Override
  ServerConfig.Builder config() {
    return super.config().developmentTokens(true);
  }

  /** One received update as the page shows it. */
  record Shown(
      String id,
      String type,
      String data,
      List<String> selectors,
      List<String> topics,
      boolean unknownSelector) {}

  @SuppressWarnings("unchecked")
  List<Shown> shown() {
    List<Map<String, Object>> raw =
        (List<Map<String, Object>>)
            browser.script(
                "const all = (li, css) => [...li.querySelectorAll(css)].map(e => e.textContent);"
                    + "return [...document.querySelectorAll('#sub-messages li.update')].map(li => ({"
                    + " id: li.querySelector('.id').textContent,"
                    + " type: li.querySelector('.type')?.textContent ?? '',"
                    + " data: li.querySelector('.data').textContent,"
                    + " selectors: all(li, '.selector'), topics: all(li, '.topic'),"
                    + " unknown: li.querySelector('.selector-unknown') !== null }));");
    List<Shown> out = new ArrayList<>();
    for (Map<String, Object> m : raw) {
      out.add(
          new Shown(
              (String) m.get("id"),
              (String) m.get("type"),
              (String) m.get("data"),
              (List<String>) m.get("selectors"),
              (List<String>) m.get("topics"),
              (Boolean) m.get("unknown")));
    }
    return out;
  }

  List<String> shownData() {
    return shown().stream().map(Shown::data).toList();
  }

  void fillDevelopmentTokens() {
    browser.click("dev-token");
    browser.until(d -> browser.text("dev-token-result").startsWith("Filled in tokens"));
    assertThat(browser.byId("pub-token").getDomProperty("value")).isNotBlank();
  }

  void subscribe(String selectors, String token) {
    browser.type("sub-topics", selectors);
    if (browser.byId("sub-token").isEnabled()) { // disabled for draft-08: no query token
      browser.type("sub-token", token);
    }
    int before = server.openStreams();
    browser.click("subscribe");
    browser.untilText("sub-state", "open");
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openStreams() == before + 1);
  }

  void publishFromPage(String topic, String data, boolean isPrivate) {
    browser.type("pub-topics", topic);
    browser.type("pub-data", data);
    if (browser.byId("pub-private").isSelected() != isPrivate) {
      browser.byId("pub-private").click();
    }
    String previous = browser.text("pub-result");
    browser.click("publish");
    browser.until(
        d -> !browser.text("pub-result").equals(previous) && !browser.text("pub-result").isEmpty());
    assertThat(browser.text("pub-result")).startsWith("Published event urn:");
  }

  @Test
  void aPrivateUpdateIsShownOnlyWithASubscriberToken() {
    openPage();
    fillDevelopmentTokens();
    String subscriberToken = browser.byId("sub-token").getDomProperty("value");
    assertThat(subscriberToken).isNotBlank();

    subscribe("https://example.com/books/{id}", "");
    publishFromPage("https://example.com/books/1", "secret without a token", true);
    publishFromPage("https://example.com/books/2", "public", false);
    // Updates arrive in publish order, so once "public" is shown the private one was skipped.
    browser.until(d -> shownData().contains("public"));
    assertThat(shownData()).containsExactly("public");

    browser.click("unsubscribe");
    await().atMost(RELEASE).until(() -> server.openStreams() == 0);
    subscribe("https://example.com/books/{id}", subscriberToken);
    publishFromPage("https://example.com/books/3", "secret with a token", true);
    browser.until(d -> shownData().contains("secret with a token"));
    assertThat(shownData()).containsExactly("public", "secret with a token");
  }

  @Test
  void aUriTemplateSubscriptionReceivesMatchingTopicsOnlyAndShowsTheMatchingSelector()
      throws Exception {
    openPage();
    fillDevelopmentTokens();
    subscribe("https://example.com/books/{id}\nhttps://example.com/authors/{name}", "");

    publishFromPage("https://example.com/movies/1", "a movie", false);
    browser.type("pub-id", "urn:book:7");
    browser.type("pub-type", "changed");
    publishFromPage("https://example.com/books/7", "a book", false);
    browser.type("pub-id", "");
    browser.type("pub-type", "");
    // Published by someone else: the page cannot know which of its two selectors matched.
    publishOk("topic=" + enc("https://example.com/authors/ada") + "&data=" + enc("an author"));

    browser.until(d -> shownData().contains("an author"));
    List<Shown> shown = shown();
    assertThat(shown).extracting(Shown::data).containsExactly("a book", "an author");
    Shown book = shown.get(0);
    assertThat(book.id()).isEqualTo("urn:book:7");
    assertThat(book.type()).isEqualTo("changed");
    assertThat(book.selectors()).containsExactly("https://example.com/books/{id}");
    assertThat(book.topics()).containsExactly("https://example.com/books/7");
    assertThat(shown.get(1).unknownSelector()).isTrue();
    browser.screenshot("panel-playground", "playground");
  }

  void chooseFamily(String family) {
    browser.script(
        "const s = document.getElementById('sub-family'); s.value = arguments[0];"
            + " s.dispatchEvent(new Event('change'));",
        family);
  }

  @Test
  void anEventSourceUsingMatchUrlpatternReceivesTheUpdatesItsPatternMatches() {
    openPage();
    fillDevelopmentTokens();
    chooseFamily("match_urlpattern");
    assertThat(browser.byId("sub-token").isEnabled()).as("no query token in draft-08").isFalse();
    // As a draft-07 topic this would be an exact topic, matched by nothing published below.
    subscribe("https://example.com/books/:id", "");

    publishFromPage("https://example.com/movies/1", "a movie", false);
    publishFromPage("https://example.com/books/7", "a book", false);
    browser.until(d -> shownData().contains("a book"));
    List<Shown> shown = shown();
    assertThat(shown).extracting(Shown::data).containsExactly("a book");
    assertThat(shown.get(0).selectors())
        .as("labelled by the browser's URLPattern")
        .containsExactly("https://example.com/books/:id");
  }

  @Test
  void anEventSourceUsingMatchComparesTopicsByteForByte() {
    openPage();
    fillDevelopmentTokens();
    chooseFamily("match");
    subscribe("https://example.com/books/{id}", "");
    publishFromPage("https://example.com/books/1", "a book", false);
    publishFromPage("https://example.com/books/{id}", "the literal topic", false);
    browser.until(d -> shownData().contains("the literal topic"));
    assertThat(shownData()).as("no URI template reading").containsExactly("the literal topic");
  }

  @Test
  void worksAgainstAHubOnAnotherOriginThatAllowsIt() throws Exception {
    // Another port is another origin: one server hands out the page, the other is the hub.
    HeraldServer pages =
        HeraldServer.start(
            ServerConfig.builder()
                .listen(List.of(new java.net.InetSocketAddress("127.0.0.1", 0)))
                .demo(false)
                .build());
    try {
      String pageOrigin = "http://127.0.0.1:" + pages.port();
      restart(config().corsOrigins(List.of(pageOrigin)).build());
      browser.open(pageOrigin + "/?hub=" + enc(base));
      assertThat(browser.text("hub-origin")).contains(base);
      browser.until(d -> browser.text("dev-token-absent").contains("its own page only"));
      browser.type("pub-token", PUBLISHER);

      subscribe("https://example.com/books/{id}", "");
      publishFromPage("https://example.com/books/1", "across origins", false);
      browser.until(d -> shownData().contains("across origins"));
      assertThat(shown().get(0).topics()).containsExactly("https://example.com/books/1");
      assertThat(pages.openStreams()).isZero();
    } finally {
      pages.close();
    }
  }
}
