package dev.herald.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spring.EmbeddedHerald;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Closing the application stops the embedded hub first: its streams end with {@code retry:} while
 * the web server still serves, and only then does the web server's graceful shutdown begin. A probe
 * sits in the graceful shutdown's phase and records what it saw. Runs on the JUnit thread; the
 * stream is read on a thread of its own.
 */
class ShutdownOrderTest {

  /** Stops in the phase of Boot's WebServerGracefulShutdownLifecycle (DEFAULT_PHASE - 1024). */
  static final class GracefulShutdownProbe implements SmartLifecycle {
    final AtomicReference<Boolean> hubRunningAtWebShutdown = new AtomicReference<>();
    private final EmbeddedHerald hub;
    private volatile boolean running;

    GracefulShutdownProbe(EmbeddedHerald hub) {
      this.hub = hub;
    }

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      hubRunningAtWebShutdown.set(hub.isRunning());
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public int getPhase() {
      return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
  }

  @Test
  void theHubEndsItsStreamsBeforeTheWebServerShutsDown() throws Exception {
    ConfigurableApplicationContext app =
        new SpringApplicationBuilder(BooksApplication.class)
            .properties("server.port=0", "herald.embedded.listen=127.0.0.1:0")
            .run();
    EmbeddedHerald hub = app.getBean(EmbeddedHerald.class);
    // Registered once started, as a running lifecycle bean: the context stops it in its phase.
    GracefulShutdownProbe probe = new GracefulShutdownProbe(hub);
    app.getBeanFactory().registerSingleton("gracefulShutdownProbe", probe);
    probe.start();

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<InputStream> stream =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + hub.port() + "/.well-known/mercure?topic=books"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    CompletableFuture<List<String>> lines =
        CompletableFuture.supplyAsync(
            () -> {
              List<String> read = new ArrayList<>();
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  read.add(line);
                }
              } catch (Exception e) {
                read.add("<error " + e + ">");
              }
              return read;
            });

    app.close();
    assertThat(probe.hubRunningAtWebShutdown.get())
        .as("the hub had stopped when the web server's graceful shutdown began")
        .isFalse();
    assertThat(lines.get(15, TimeUnit.SECONDS))
        .anyMatch(line -> line.matches("retry: \\d+"))
        .noneMatch(line -> line.startsWith("<error"));
  }
}
