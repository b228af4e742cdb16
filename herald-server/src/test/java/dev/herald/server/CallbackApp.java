package dev.herald.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small application answering the hub's authorization callback over a real loopback socket: it
 * knows sessions by their {@code session} cookie and grants each its subscribe and publish
 * selectors, as the README's contract says. It can also be slow (answers only when released) or
 * failing (500). Its handlers run on its own small pool.
 */
final class CallbackApp implements AutoCloseable {

  static final String COOKIE = "session";

  enum Mode {
    DECIDE,
    SLOW,
    FAIL,
    /** 200 with grants of the wrong shape. */
    MALFORMED,
    /** 200 with an answer far beyond any grant's size. */
    HUGE
  }

  /** What a session may do, and for how long (seconds; null: the hub's default). */
  record Session(List<String> subscribe, List<String> publish, Number expiresIn) {}

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  final AtomicInteger calls = new AtomicInteger();
  final List<Map<String, Object>> questions = new CopyOnWriteArrayList<>();
  volatile Mode mode = Mode.DECIDE;

  CallbackApp() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(pool);
    server.createContext("/auth", this::answer);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/auth");
  }

  void session(String id, Session session) {
    sessions.put(id, session);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      calls.incrementAndGet();
      Map<String, Object> question =
          JSONObjectUtils.parse(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      questions.add(question);
      switch (mode) {
        case SLOW -> {
          release.await(30, TimeUnit.SECONDS); // the application hangs until the test ends
          send(exchange, 500, "{}");
        }
        case FAIL -> send(exchange, 500, "database down");
        case MALFORMED -> send(exchange, 200, "{\"subscribe\": \"not a list\"}");
        case HUGE -> send(exchange, 200, "{\"payload\": \"" + "x".repeat(100_000) + "\"}");
        case DECIDE -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> cookies = (Map<String, Object>) question.get("cookies");
          Session session = sessions.get(String.valueOf(cookies.get(COOKIE)));
          if (session == null) {
            send(exchange, 401, "{\"reason\":\"no session\"}");
            return;
          }
          Map<String, Object> grants = new java.util.LinkedHashMap<>();
          grants.put("subscribe", session.subscribe());
          grants.put("publish", session.publish());
          if (session.expiresIn() != null) {
            grants.put("expires_in", session.expiresIn());
          }
          send(exchange, 200, JSONObjectUtils.toJSONString(grants));
        }
      }
    } catch (java.text.ParseException | InterruptedException e) {
      send(exchange, 400, e.toString());
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    pool.shutdownNow();
  }
}
