package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a node: node A runs in a child JVM ({@link NodeMain}) and is killed with
 * SIGKILL ({@link Process#destroyForcibly()}) while a publisher keeps publishing to node B, in this
 * JVM. A's subscriber reconnects to B with its Last-Event-ID and must get every acknowledged event
 * after it, once each, in order. Runs on the JUnit thread plus one publisher thread.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NodeKillTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOPIC = "https://example.com/books/1";
  private static final int EVENTS = 200;

  @TempDir Path dir;

  private RedisServer redis;
  private Process child;
  private Node b;
  private final List<SseSubscriber> subscribers = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    subscribers.forEach(SseSubscriber::close);
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    if (b != null) {
      b.close();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  @Test
  void theSubscribersOfAKilledNodeResumeOnAnotherAndMissNothing() throws Exception {
    redis = RedisServer.start(dir, false);
    RedisConfig config = RedisConfig.DEFAULTS.withUri(redis.uri());
    b = Node.start(config);
    int portOfA = startChild(config);

    SseSubscriber onA = SseSubscriber.open(Node.base(portOfA), TOPIC, null);
    subscribers.add(onA);
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    Thread publisher =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < EVENTS; i++) {
                  acknowledged.add(b.publishOk(TOPIC, "update " + i));
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "publisher");
    publisher.start();
    await().atMost(WAIT).until(() -> onA.events.size() >= 20);
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful end of the streams
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).until(onA::ended);
    publisher.join(WAIT.toMillis());
    assertThat(acknowledged).hasSize(EVENTS);

    String lastSeen = onA.lastId();
    SseSubscriber onB = SseSubscriber.open(b.base(), TOPIC, lastSeen);
    subscribers.add(onB);
    assertThat(onB.lastEventIdHeader()).isEqualTo(lastSeen);
    List<String> expected = acknowledged.subList(acknowledged.indexOf(lastSeen) + 1, EVENTS);
    await().atMost(WAIT).until(() -> onB.events.size() >= expected.size());
    assertThat(onB.ids()).containsExactlyElementsOf(expected);
    List<String> whole = new ArrayList<>(onA.ids());
    whole.addAll(onB.ids());
    assertThat(whole).containsExactlyElementsOf(acknowledged);
  }

  /** Starts node A in a child JVM on this test's classpath; returns its port. */
  private int startChild(RedisConfig config) throws Exception {
    Path portFile = dir.resolve("port-of-a");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                NodeMain.class.getName(),
                config.uri(),
                config.keyPrefix(),
                portFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child-output.txt").toFile())
            .start();
    await().atMost(WAIT).until(() -> Files.exists(portFile) || !child.isAlive());
    assertThat(child.isAlive()).as(() -> output()).isTrue();
    return Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII).strip());
  }

  private String output() {
    try {
      return Files.readString(dir.resolve("child-output.txt"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
