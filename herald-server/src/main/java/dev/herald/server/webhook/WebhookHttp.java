package dev.herald.server.webhook;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * How the webhook parts reach receivers: the JDK's HTTP client over HTTP/1.1, no redirects followed
 * (a receiver's URL is configured, not discovered), its callbacks on a daemon thread of the part's
 * own, never an event loop; one message shape and one signed POST. Stateless; safe from any thread.
 */
final class WebhookHttp {

  private WebhookHttp() {}

  /** One daemon thread named {@code name}, for the client's callbacks. */
  static ExecutorService thread(String name) {
    return Executors.newFixedThreadPool(1, daemon(name));
  }

  /** One daemon thread named {@code name}, for timed work. */
  static ScheduledExecutorService scheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(daemon(name));
  }

  static HttpClient client(Duration connectTimeout, ExecutorService callbacks) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .executor(callbacks)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** A message's body: {@code {"type", "timestamp", "data"}}, as Standard Webhooks shows it. */
  static String body(String type, Instant timestamp, Map<String, Object> data) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("type", type);
    json.put("timestamp", timestamp.toString());
    json.put("data", data);
    return JSONObjectUtils.toJSONString(json);
  }

  /**
   * One POST of a signed message ({@code webhook-id}, {@code webhook-timestamp}, {@code
   * webhook-signature}); blocks the calling thread for the answer, at most {@code timeout}.
   *
   * @return null when the receiver took it (a 2xx), else why not, on one line
   */
  static String postSigned(
      HttpClient http,
      URI url,
      Duration timeout,
      WebhookSignature signature,
      Clock clock,
      String id,
      String body)
      throws InterruptedException {
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", signature.sign(id, timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status >= 200 && status < 300 ? null : "HTTP " + status;
    } catch (IOException e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
  }

  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
