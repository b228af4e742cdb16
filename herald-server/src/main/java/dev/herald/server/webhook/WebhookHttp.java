package dev.herald.server.webhook;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * How the webhook parts reach receivers: the JDK's HTTP client over HTTP/1.1, no redirects followed
 * (a receiver's URL is configured, not discovered), its callbacks on a daemon thread of the part's
 * own, never an event loop. Stateless factories; safe from any thread.
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

  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
