package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.core.DiscoveryLink;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's hand-off in Chromium: a page of a small application loads its state from a REST
 * endpoint while a writer changes that state 200 times a second and publishes each change; the
 * endpoint reads the hub's position (over HTTP, as a publisher) before the state and sends it as
 * the {@code rel="mercure"} {@code Link}; the page subscribes through {@code /herald.js} from that
 * position. When the writer stops, the page holds exactly the server's state, and its sequence
 * numbers show no update missed. A plain {@code EventSource} opened at the same moment without the
 * position does miss the changes made meanwhile: the check can fail.
 *
 * <p>Runs on the JUnit thread, which alone drives the browser; the application answers on its own
 * thread and the writer runs on a scheduler thread.
 */
class HandOffBrowserTest extends BrowserTestBase {

  private static final String TOPIC = "https://example.com/counters/1";

  /** 10 s of changes at 200 a second. */
  private static final int CHANGES = 2_000;

  private static final long PERIOD_MICROS = 5_000;

  /** Bounds every wait; generous because the suite shares a 2-core machine with other builds. */
  private static final Duration SETTLE = Duration.ofSeconds(30);

  /** The application's state: its "database row". */
  record Counter(int seq, String value) {
    String json() {
      return "{\"seq\":" + seq + ",\"value\":\"" + value + "\"}";
    }
  }

  private final AtomicReference<Counter> state = new AtomicReference<>(new Counter(0, "v0"));
  private final CompletableFuture<Void> written = new CompletableFuture<>();
  private ScheduledExecutorService writer;
  private HttpServer app;

  @Override
  ServerConfig.Builder config() {
    // The page comes from the application's origin; the replay must reach back to its position.
    return super.config().corsOrigins(List.of("*")).hub(HubConfig.DEFAULTS.withHistorySize(10_000));
  }

  @BeforeEach
  void startApplication() throws IOException {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/state", this::stateEndpoint);
    app.createContext("/", this::page);
    app.setExecutor(Executors.newFixedThreadPool(2));
    app.start();
  }

  @AfterEach
  void stopApplication() {
    if (writer != null) {
      writer.shutdownNow();
    }
    app.stop(0);
    ((java.util.concurrent.ExecutorService) app.getExecutor()).shutdownNow();
  }

  /** One change: the row first, then its update, as an application publishing after commit. */
  private void change() {
    Counter now = state.get();
    if (now.seq() == CHANGES) {
      written.complete(null);
      return;
    }
    Counter next = new Counter(now.seq() + 1, "v" + (now.seq() + 1));
    state.set(next);
    server.hub().publish(new Update(List.of(TOPIC), next.json(), false, null, null, null)).join();
  }

  /**
   * {@code GET /state}: the hub's position first (one request, as a publisher), then the state; the
   * position goes out as the discovery Link.
   */
  private void stateEndpoint(HttpExchange exchange) throws IOException {
    try {
      HttpResponse<String> position =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure/last-event-id"))
                  .header("Authorization", "Bearer " + PUBLISHER)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (position.statusCode() != 200) {
        respond(exchange, 502, "text/plain", "hub: " + position.body(), Map.of());
        return;
      }
      Counter now = state.get();
      String link = DiscoveryLink.of(base + "/.well-known/mercure", position.body().strip());
      respond(exchange, 200, "application/json", now.json(), Map.of("Link", link));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      respond(exchange, 503, "text/plain", "interrupted", Map.of());
    }
  }

  private void page(HttpExchange exchange) throws IOException {
    String html =
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>hand-off</title></head>
        <body><p id="value">…</p>
        <script type="module">
          const hubUrl = 'HUB/.well-known/mercure';
          const topic = 'TOPIC';
          const { Herald, lastEventIdFrom } = await import('HUB/herald.js');
          const page = { loadedSeq: null, seq: null, value: null, position: null, applied: 0,
            duplicates: 0, gaps: [], firstApplied: null, controlFirst: null, state: null };
          const load = async () => {
            const response = await fetch('/state', { cache: 'no-store' });
            return { state: await response.json(), position: lastEventIdFrom(response) };
          };
          const loaded = await load();
          page.position = loaded.position;
          page.loadedSeq = page.seq = loaded.state.seq;
          page.value = loaded.state.value;
          // A page busy before it subscribes: changes land meanwhile (bounded, no clock involved).
          for (let i = 0; i < 1000 && (await load()).state.seq < page.loadedSeq + 5; i++);
          const url = new URL(hubUrl);
          url.searchParams.append('topic', topic);
          const control = new EventSource(url); // the naive way: no position
          control.onmessage = (e) => {
            if (page.controlFirst === null) page.controlFirst = JSON.parse(e.data).seq;
            control.close();
          };
          const hub = new Herald(hubUrl);
          hub.onstatechange = (state) => { page.state = state; };
          hub.subscribe([topic], (event) => {
            const change = JSON.parse(event.data);
            if (change.seq <= page.seq) { page.duplicates++; return; } // already in the state
            if (change.seq !== page.seq + 1) page.gaps.push([page.seq, change.seq]);
            if (page.firstApplied === null) page.firstApplied = change.seq;
            page.seq = change.seq;
            page.value = change.value;
            page.applied++;
            document.getElementById('value').textContent = page.value;
          }, { lastEventId: page.position });
          window.page = page;
        </script></body></html>
        """
            .replace("HUB", base)
            .replace("TOPIC", TOPIC);
    respond(exchange, 200, "text/html; charset=utf-8", html, Map.of());
  }

  private static void respond(
      HttpExchange exchange, int status, String type, String body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    headers.forEach(exchange.getResponseHeaders()::set);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private Object pageField(String name) {
    return browser.script("return window.page ? window.page." + name + " : undefined");
  }

  private long pageNumber(String name) {
    return ((Number) pageField(name)).longValue();
  }

  @Test
  void aPageThatLoadsThenSubscribesFromTheLinkEndsInTheServersStateMissingNothing() {
    writer = Executors.newSingleThreadScheduledExecutor();
    writer.scheduleAtFixedRate(this::change, 0, PERIOD_MICROS, TimeUnit.MICROSECONDS);
    await().atMost(SETTLE).until(() -> state.get().seq() >= 20);

    browser.driver.get("http://127.0.0.1:" + app.getAddress().getPort() + "/");
    await().atMost(SETTLE).until(() -> pageField("firstApplied") instanceof Number);
    assertThat(pageField("position")).isInstanceOf(String.class).isNotEqualTo("earliest");
    long loaded = pageNumber("loadedSeq");
    assertThat(loaded).isBetween(20L, (long) CHANGES - 1);

    await().atMost(SETTLE).until(written::isDone);
    Counter last = state.get();
    assertThat(last.seq()).isEqualTo(CHANGES);
    await().atMost(SETTLE).until(() -> pageNumber("seq") == last.seq());

    assertThat(pageField("value")).isEqualTo(last.value());
    assertThat(browser.text("value")).isEqualTo(last.value());
    assertThat((List<?>) pageField("gaps")).as("sequence gaps the page saw").isEmpty();
    assertThat(pageNumber("firstApplied")).isEqualTo(loaded + 1);
    assertThat(pageNumber("applied")).isEqualTo(CHANGES - loaded);
    assertThat(pageField("state")).isEqualTo("open");
    // The EventSource opened without the position started after the changes made meanwhile.
    await().atMost(SETTLE).until(() -> pageField("controlFirst") instanceof Number);
    assertThat(pageNumber("controlFirst")).isGreaterThan(loaded + 5);
  }
}
