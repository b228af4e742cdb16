package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.history.SharedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis log beyond the history contract: appends from several logs interleave into one
 * contiguous order that every tail delivers whole; a batch sent twice is appended once; readiness
 * follows the tail's lag; an unreachable Redis is one line at start-up. One redis-server for the
 * class, a key prefix per test. Runs on the JUnit thread; tails deliver on their own threads.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RedisLogTest {

  @RegisterExtension static final RedisServer.PerClass redis = new RedisServer.PerClass();
  private final List<RedisLog> logs = new ArrayList<>();
  private final String prefix = "log-test:" + System.nanoTime() + ":";

  @AfterEach
  void closeLogs() {
    logs.forEach(RedisLog::close);
  }

  private RedisLog open(RedisConfig config) {
    RedisLog log = RedisLog.connect(config);
    logs.add(log);
    return log;
  }

  private RedisConfig config() {
    return RedisConfig.DEFAULTS.withUri(redis.uri()).withKeyPrefix(prefix);
  }

  /**
   * Collects what a tail delivers; optionally holds each delivery until released. Called on the
   * tail's thread; read from the test's.
   */
  private static final class Collector implements SharedLog.Listener {
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> gaps = new CopyOnWriteArrayList<>();
    final List<String> traceContexts = new CopyOnWriteArrayList<>();
    volatile CountDownLatch hold = new CountDownLatch(0);

    @Override
    public void deliver(List<Event> delivered, String[] contexts) {
      for (int i = 0; i < delivered.size(); i++) {
        // One read may hold entries of several appends: what counts is each entry's context.
        traceContexts.add(contexts == null ? "-" : contexts[i] == null ? "-" : contexts[i]);
      }
      deliver(delivered);
    }

    @Override
    public void deliver(List<Event> delivered) {
      try {
        hold.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      events.addAll(delivered);
    }

    @Override
    public void gap(long resumeAfter, String reason) {
      gaps.add(reason);
    }
  }

  @Test
  void concurrentAppendsFromTwoLogsGetContiguousSequencesAndEveryTailDeliversTheSameOrder() {
    RedisLog a = open(config().withTailBatch(7));
    RedisLog b = open(config());
    Collector tailA = new Collector();
    Collector tailB = new Collector();
    assertThat(a.startTail(tailA)).isZero();
    assertThat(b.startTail(tailB)).isZero();
    List<CompletableFuture<long[]>> appended = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      RedisLog log = i % 2 == 0 ? a : b;
      List<Update> batch =
          List.of(
              Update.of("t", i + ".1").withId("id-" + i + ".1"),
              Update.of("t", i + ".2").withId("id-" + i + ".2"));
      appended.add(log.appendShared(batch));
    }
    List<Long> firsts = appended.stream().map(f -> f.join()[0]).sorted().toList();
    for (int i = 0; i < firsts.size(); i++) {
      assertThat(firsts.get(i)).isEqualTo(1 + 2L * i); // each batch whole, none interleaved
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> tailA.events.size() == 200 && tailB.events.size() == 200);
    assertThat(tailA.events)
        .extracting(Event::sequence)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
    assertThat(tailA.events)
        .extracting(Event::id)
        .containsExactlyElementsOf(tailB.events.stream().map(Event::id).toList());
    assertThat(tailA.gaps).isEmpty();
    assertThat(a.findSequence("id-3.2").join()).isEqualTo(b.sequenceOf("id-3.2"));
    assertThat(a.findSequence("never").join()).isEqualTo(-1);
  }

  @Test
  void theLiveEventsOfTheTailCarryTheirPublishTimeAndReplaysDoNot() {
    RedisLog log = open(config());
    Collector tail = new Collector();
    log.startTail(tail);
    log.appendShared(List.of(Update.of("t", "x").withId("timed"))).join();
    await().atMost(Duration.ofSeconds(10)).until(() -> tail.events.size() == 1);
    // 0 is "unknown"; how the stamp becomes a nano time is StreamEntriesTest's, on fixed clocks.
    assertThat(tail.events.get(0).publishedNanos()).isNotZero();
    assertThat(log.read(0, 1, 10).get(0).publishedNanos()).isZero();
  }

  @Test
  void readinessSaysHowFarBehindTheTailIsAndRecoversWhenItCatchesUp() {
    RedisLog log = open(config().withMaxTailLag(Duration.ofMillis(200)));
    Collector tail = new Collector();
    tail.hold = new CountDownLatch(1); // a hub too busy to take what the tail read
    log.startTail(tail);
    assertThat(log.readiness().ready()).isTrue();
    log.appendShared(List.of(Update.of("t", "x").withId("held"))).join();
    await().atMost(Duration.ofSeconds(10)).until(() -> !log.readiness().ready());
    assertThat(log.tailLagNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(log.readiness().reason())
        .contains("behind the stream")
        .contains("max-tail-lag 200 ms");
    tail.hold.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> log.readiness().ready());
    assertThat(tail.events).hasSize(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> log.tailLagNanos() == 0);
  }

  @Test
  void aTracedPublishsContextReachesEveryTailAndAnUntracedEntryHasNone() {
    RedisLog a = open(config());
    RedisLog b = open(config());
    Collector tailA = new Collector();
    Collector tailB = new Collector();
    a.startTail(tailA);
    b.startTail(tailB);
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    a.appendShared(
            List.of(Update.of("t", "traced").withId("1"), Update.of("t", "not").withId("2")),
            new String[] {traceparent, null})
        .join();
    a.appendShared(List.of(Update.of("t", "plain").withId("3"))).join();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> tailA.events.size() == 3 && tailB.events.size() == 3);
    for (Collector tail : List.of(tailA, tailB)) {
      assertThat(tail.traceContexts).containsExactly(traceparent, "-", "-");
    }
    try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri())) {
      var entries =
          client.connect().sync().xrange(prefix + "events", io.lettuce.core.Range.create("-", "+"));
      assertThat(entries.get(0).getBody()).containsEntry("c", traceparent);
      assertThat(entries.get(1).getBody()).doesNotContainKey("c");
    }
  }

  @Test
  void anUnreachableRedisAtStartUpIsOneLineNamingIt() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    RedisConfig nowhere =
        config()
            .withUri("redis://:secret@127.0.0.1:" + closedPort)
            .withCommandTimeout(Duration.ofSeconds(1));
    assertThatThrownBy(() -> RedisLog.connect(nowhere))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageStartingWith("redis redis://127.0.0.1:" + closedPort + ": cannot connect (")
        .hasMessageNotContaining("secret")
        .hasMessageNotContaining("*")
        .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
  }

  @Test
  void aBatchTheClientSendsAgainAfterAReconnectIsAppendedOnce() throws Exception {
    String script;
    try (var in = RedisLog.class.getResourceAsStream("append.lua")) {
      script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    RedisLog.Keys keys = RedisLog.Keys.of(prefix);
    String[] keyNames = keys.forBatch("same");
    List<String> args = new ArrayList<>(List.of("0", "100"));
    StreamEntries.addFields(args, Update.of("t", "once").withId("once"), 0, null);
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
    try (var connection = client.connect()) {
      var sync = connection.sync();
      String[] values = args.toArray(new String[0]);
      Long first = sync.eval(script, io.lettuce.core.ScriptOutputType.INTEGER, keyNames, values);
      Long again = sync.eval(script, io.lettuce.core.ScriptOutputType.INTEGER, keyNames, values);
      assertThat(again).isEqualTo(first).isEqualTo(1L);
      assertThat(sync.xlen(keys.stream())).isEqualTo(1);
      assertThat(sync.get(keys.sequence())).isEqualTo("1");
      assertThat(sync.pttl(keyNames[3])).isBetween(1L, 60_000L);
    } finally {
      client.shutdown();
    }
  }
}
