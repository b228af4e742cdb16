package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token renewal in Chromium: a page subscribes through {@code /herald.js} with a token function
 * that fetches 5-second tokens from the application (a small HTTP server in the test); while
 * updates arrive at 20 per second, herald.js renews on each {@code herald-renew} notice. Every
 * update arrives once and in order, the page never holds two streams, and the hub never has to
 * close one at expiry.
 *
 * <p>Runs on the JUnit thread, which drives the browser; the publisher runs on a pool thread.
 */
class TokenRenewalBrowserTest extends BrowserTestBase {

  private static final int UPDATES = 200; // 10 s at 20 per second: two renewals at least

  private HttpServer tokens;
  private final AtomicInteger minted = new AtomicInteger();

  @Override
  ServerConfig.Builder config() {
    return super.config().anonymous(false);
  }

  @BeforeEach
  void startTheApplicationsTokenEndpoint() throws Exception {
    tokens = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    tokens.createContext(
        "/token",
        exchange -> {
          minted.incrementAndGet();
          byte[] token =
              token(null, List.of("private"), Duration.ofSeconds(5))
                  .getBytes(StandardCharsets.US_ASCII);
          exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
          exchange.getResponseHeaders().set("Content-Type", "text/plain");
          exchange.sendResponseHeaders(200, token.length);
          exchange.getResponseBody().write(token);
          exchange.close();
        });
    tokens.start();
  }

  @AfterEach
  void stopTheTokenEndpoint() {
    tokens.stop(0);
  }

  private static final String PAGE_SCRIPT =
      """
      const [hubUrl, tokenUrl] = arguments;
      const state = window.renewal = { received: [], streams: 0, open: 0, mostOpen: 0, hubClosed: 0 };
      // Counts the page's streams: open from the response until aborted or ended by the hub.
      const counting = async (url, init) => {
        const response = await fetch(url, init);
        state.streams++;
        state.open++;
        state.mostOpen = Math.max(state.mostOpen, state.open);
        let closed = false;
        const done = () => { if (!closed) { closed = true; state.open--; } };
        init.signal.addEventListener('abort', done);
        const body = response.body.pipeThrough(new TransformStream({
          flush() { if (!closed) state.hubClosed++; done(); } }));
        return new Response(body, { status: response.status, headers: response.headers });
      };
      import('/herald.js').then(({ Herald }) => {
        const hub = new Herald(hubUrl, { fetch: counting,
          token: async () => (await fetch(tokenUrl, { cache: 'no-store' })).text() });
        hub.subscribe(['private'], (event) => state.received.push(event.data));
        state.ready = true;
      });
      """;

  @SuppressWarnings("unchecked")
  private List<String> received() {
    return new ArrayList<>((List<String>) browser.script("return window.renewal.received"));
  }

  private long figure(String name) {
    return ((Number) browser.script("return window.renewal." + name)).longValue();
  }

  @Test
  void herald_jsRenewsFiveSecondTokensLosingAndRepeatingNothingOnOneStream() throws Exception {
    openPage(); // the hub's own page: a document of its origin, for the module import
    browser.script(
        PAGE_SCRIPT,
        base + "/.well-known/mercure",
        "http://127.0.0.1:" + tokens.getAddress().getPort() + "/token");
    // The first update gives the page an id to resume from; renewals need one.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Boolean.TRUE.equals(browser.script("return window.renewal.open === 1")));
    publishOk("topic=private&data=0&private=on");
    await().atMost(Duration.ofSeconds(20)).until(() -> received().contains("0"));
    ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger published = new AtomicInteger(1);
    try {
      publisher.scheduleAtFixedRate(
          () -> {
            int n = published.get();
            if (n < UPDATES) {
              try {
                publishOk("topic=private&data=" + n + "&private=on");
                published.incrementAndGet();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          },
          0,
          50,
          TimeUnit.MILLISECONDS);
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> received().size() >= UPDATES);
    } finally {
      publisher.shutdownNow();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < UPDATES; i++) {
      expected.add(String.valueOf(i));
    }
    assertThat(received()).as("every update once, in order").isEqualTo(expected);
    assertThat(figure("streams")).as("the first stream and a renewal or more").isGreaterThan(1);
    assertThat(figure("mostOpen")).as("never two streams at once").isEqualTo(1);
    assertThat(figure("hubClosed")).as("the hub never closed a stream at expiry").isZero();
    assertThat(minted.get()).isGreaterThanOrEqualTo((int) figure("streams"));
  }
}
