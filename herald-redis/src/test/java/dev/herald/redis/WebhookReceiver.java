package dev.herald.redis;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver for tests: a JDK HTTP server on a loopback port that checks each message's
 * Standard Webhooks signature with its own few lines (as an application would, not with the hub's
 * code), refuses a bad one with 401, and records the good ones. It can be stopped and started again
 * on the same port, to play a receiver that is down. Used from the test's thread; handlers run on
 * the server's thread.
 */
final class WebhookReceiver implements AutoCloseable {

  /** 24 random-looking bytes, as a Standard Webhooks secret. */
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  /** A message that passed verification. */
  record Message(String id, String type, Map<String, Object> data, String body) {
    String topic() {
      Object topic = data.get("topic");
      return topic != null ? (String) topic : (String) data.get("match");
    }
  }

  final List<Message> messages = new CopyOnWriteArrayList<>();
  final AtomicInteger rejected = new AtomicInteger();
  private int port;
  private HttpServer server;

  private WebhookReceiver() {}

  static WebhookReceiver start() throws IOException {
    WebhookReceiver receiver = new WebhookReceiver();
    receiver.listen(0);
    return receiver;
  }

  String url() {
    return "http://127.0.0.1:" + port + "/hooks";
  }

  private void listen(int on) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), on), 16);
    server.createContext(
        "/hooks",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            if (id == null
                || timestamp == null
                || signature == null
                || !verify(id, timestamp, body, signature)
                || Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) > 300) {
              rejected.incrementAndGet();
              exchange.sendResponseHeaders(401, -1);
              return;
            }
            Map<String, Object> json = JSONObjectUtils.parse(body);
            messages.add(
                new Message(
                    id,
                    (String) json.get("type"),
                    JSONObjectUtils.getJSONObject(json, "data"),
                    body));
            exchange.sendResponseHeaders(204, -1);
          } catch (Exception e) {
            exchange.sendResponseHeaders(400, -1);
          } finally {
            exchange.close();
          }
        });
    server.start();
    port = server.getAddress().getPort();
  }

  /** The verification a receiver writes: HMAC-SHA256 of id.timestamp.body, keyed by the secret. */
  static boolean verify(String id, String timestamp, String body, String header) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring(6)), "HmacSHA256"));
    byte[] expected =
        mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    for (String candidate : header.split(" ")) {
      if (candidate.startsWith("v1,")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
        return true;
      }
    }
    return false;
  }

  /** Stops answering (connections are refused) until {@link #restart}. */
  void stop() {
    server.stop(0);
  }

  /** Listens again on the same port. */
  void restart() throws IOException {
    listen(port);
  }

  List<Message> ofType(String type) {
    List<Message> out = new ArrayList<>();
    for (Message message : messages) {
      if (message.type().equals(type)) {
        out.add(message);
      }
    }
    return out;
  }

  long count(String type, String topic) {
    return ofType(type).stream().filter(m -> topic.equals(m.topic())).count();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
