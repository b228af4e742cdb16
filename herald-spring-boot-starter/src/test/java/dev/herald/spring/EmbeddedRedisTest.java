package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.Publication;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code herald.embedded.redis}: two applications, each with an embedded hub, share one Redis
 * stream; an update published in one reaches a subscriber of the other. Starts a real redis-server
 * on a random loopback port and stops it by its process handle.
 */
class EmbeddedRedisTest {

  private static final Path REDIS = Path.of("/usr/bin/redis-server");

  @TempDir Path dir;
  private Process redis;
  private int port;

  @BeforeEach
  void startRedis() throws Exception {
    if (!Files.isExecutable(REDIS)) {
      String message = "redis-server is not installed (apt-get install -y redis-server)";
      if (Boolean.getBoolean("herald.redis.required")) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    try (ServerSocket free = new ServerSocket()) {
      free.bind(new InetSocketAddress("127.0.0.1", 0));
      port = free.getLocalPort();
    }
    redis =
        new ProcessBuilder(
                REDIS.toString(),
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!answersPing()) {
      assertThat(System.nanoTime())
          .as("redis-server answers PING within 10 s")
          .isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private boolean answersPing() {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(7);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (Exception e) {
      return false;
    }
  }

  @AfterEach
  void stopRedis() throws Exception {
    if (redis != null) {
      redis.destroy();
      redis.waitFor();
    }
  }

  private ApplicationContextRunner node() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
        .withPropertyValues(
            "herald.embedded.enabled=true",
            "herald.embedded.listen=127.0.0.1:0",
            "herald.embedded.redis=redis://127.0.0.1:" + port,
            "herald.embedded.redis-prefix=starter-test:",
            "herald.embedded.warm-up=0");
  }

  @Test
  void anUpdatePublishedInOneApplicationReachesASubscriberOfTheOther() {
    node()
        .run(
            publisher ->
                node()
                    .run(
                        subscriber -> {
                          EmbeddedHerald other = subscriber.getBean(EmbeddedHerald.class);
                          assertThat(other.readiness().ready()).isTrue();
                          URI stream =
                              URI.create(
                                  "http://127.0.0.1:"
                                      + other.port()
                                      + "/.well-known/mercure?topic=books");
                          try (SseLines sub = SseLines.open(stream)) {
                            publisher
                                .getBean(HeraldTemplate.class)
                                .publish(
                                    Publication.to("books")
                                        .data("across nodes")
                                        .id("urn:across")
                                        .build());
                            assertThat(sub.next("id:")).isEqualTo("id: urn:across");
                            assertThat(sub.next("data:")).isEqualTo("data: across nodes");
                          }
                        }));
  }

  @Test
  void redisWithALocalHistoryOptionIsNamed() {
    node()
        .withPropertyValues("herald.embedded.history=durable")
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable failure = context.getStartupFailure();
              while (!(failure instanceof HeraldConfigurationException)) {
                failure = failure.getCause();
              }
              assertThat(failure.getMessage())
                  .startsWith(
                      "herald.embedded.history,"
                          + " herald.embedded.history-max-age, herald.embedded.history-max-bytes: set with redis");
            });
  }
}
