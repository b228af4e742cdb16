package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two or three nodes in this JVM, each a HeraldServer over its own connection to one real
 * redis-server: cross-node delivery, resuming on another node, Redis going away and coming back,
 * the tail's connection killed, and events lost to a node (trimmed while it was cut off, or Redis
 * restarted empty). Runs on the JUnit thread; each subscriber reads on its own thread.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TOPIC = "https://example.com/books/1";

  @TempDir Path redisDir;

  private RedisServer redis;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  private RedisConfig config() {
    return RedisConfig.DEFAULTS.withUri(redis.uri()).withCommandTimeout(Duration.ofSeconds(2));
  }

  private Node node(RedisConfig config) throws Exception {
    Node node = Node.start(config);
    opened.add(node);
    return node;
  }

  private SseSubscriber subscribe(String base, String lastEventId) throws Exception {
    SseSubscriber subscriber = SseSubscriber.open(base, TOPIC, lastEventId);
    opened.add(subscriber);
    return subscriber;
  }

  private StatefulRedisConnection<String, String> admin() {
    RedisClient client = RedisClient.create(redis.uri());
    StatefulRedisConnection<String, String> connection = client.connect();
    opened.add(
        () -> {
          connection.close();
          client.shutdown();
        });
    return connection;
  }

  @Test
  void anUpdatePublishedOnOneNodeReachesTheSubscribersOfEveryNodeInOneOrder() throws Exception {
    redis = RedisServer.start(redisDir, false);
    List<Node> nodes = List.of(node(config()), node(config()), node(config()));
    List<SseSubscriber> subscribers = new ArrayList<>();
    for (Node node : nodes) {
      subscribers.add(subscribe(node.base(), null));
    }
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String data = "update " + i;
      nodes.get(i % 3).publishOk(TOPIC, data);
      published.add(data);
    }
    for (SseSubscriber subscriber : subscribers) {
      await().atMost(WAIT).until(() -> subscriber.events.size() >= published.size());
      assertThat(subscriber.data()).containsExactlyElementsOf(published);
      assertThat(subscriber.ids()).containsExactlyElementsOf(subscribers.get(0).ids());
    }
  }

  @Test
  void aClientResumesOnAnotherNodeWithLastEventIdAndMissesNothing() throws Exception {
    redis = RedisServer.start(redisDir, false);
    Node a = node(config());
    Node b = node(config());
    SseSubscriber first = subscribe(a.base(), null);
    a.publishOk(TOPIC, "1");
    String second = a.publishOk(TOPIC, "2");
    await().atMost(WAIT).until(() -> first.events.size() == 2);
    first.close();
    b.publishOk(TOPIC, "3");
    a.publishOk(TOPIC, "4");
    SseSubscriber resumed = subscribe(b.base(), second);
    assertThat(resumed.lastEventIdHeader()).isEqualTo(second);
    await().atMost(WAIT).until(() -> resumed.events.size() == 2);
    a.publishOk(TOPIC, "5");
    await().atMost(WAIT).until(() -> resumed.events.size() == 3);
    assertThat(resumed.data()).containsExactly("3", "4", "5");
  }

  @Test
  void publishingWhileRedisIsDownIs503AndResumesByItselfWhenRedisIsBack() throws Exception {
    redis = RedisServer.start(redisDir, true); // the stream survives the restart
    Node a = node(config());
    Node b = node(config());
    SseSubscriber subscriber = subscribe(b.base(), null);
    a.publishOk(TOPIC, "before");
    await().atMost(WAIT).until(() -> subscriber.events.size() == 1);

    redis.stop();
    HttpResponse<String> refused = a.publish(TOPIC, "during");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).startsWith("redis 127.0.0.1:" + redis.port() + ": append failed: ");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              HttpResponse<String> ready = b.get("/readyz");
              assertThat(ready.statusCode()).isEqualTo(503);
              assertThat(ready.body()).startsWith("not ready: redis ");
            });

    redis.restart();
    for (Node node : List.of(a, b)) {
      await().atMost(WAIT).until(() -> node.get("/readyz").statusCode() == 200);
    }
    a.publishOk(TOPIC, "after");
    await().atMost(WAIT).until(() -> subscriber.events.size() >= 2);
    assertThat(subscriber.data()).containsExactly("before", "after");
    assertThat(subscriber.ended()).isFalse();
  }

  @Test
  void theTailReconnectsAfterItsConnectionIsKilledAndContinuesWithoutAGap() throws Exception {
    redis = RedisServer.start(redisDir, false);
    Node a = node(config());
    Node b = node(config());
    SseSubscriber subscriber = subscribe(b.base(), null);
    RedisCommands<String, String> admin = admin().sync();
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      if (i % 50 == 25) {
        // both tails back from the previous kill: each reconnected by itself
        await().atMost(WAIT).until(() -> tailIds(admin).size() == 2);
        for (long id : tailIds(admin)) {
          admin.clientKill(KillArgs.Builder.id(id));
        }
      }
      published.add(a.publishOk(TOPIC, "update " + i));
    }
    await().atMost(WAIT).until(() -> subscriber.events.size() >= published.size());
    assertThat(subscriber.ids()).containsExactlyElementsOf(published);
  }

  /** The client ids of the nodes' tail connections (they are named herald-tail). */
  private static List<Long> tailIds(RedisCommands<String, String> admin) {
    List<Long> ids = new ArrayList<>();
    for (String client : admin.clientList().split("\n")) {
      if (client.contains(" name=herald-tail ")) {
        ids.add(Long.parseLong(client.substring(3, client.indexOf(' '))));
      }
    }
    return ids;
  }

  @Test
  void eventsTrimmedWhileANodeWasCutOffEndItsStreamsAndTheClientLearnsItFromEarliest()
      throws Exception {
    redis = RedisServer.start(redisDir, false);
    RedisCommands<String, String> admin = admin().sync();
    // Node b logs in as a user of its own, so that it alone can be cut off from Redis.
    admin.aclSetuser(
        "nodeb",
        io.lettuce.core.AclSetuserArgs.Builder.on()
            .addPassword("pw")
            .allKeys()
            .allChannels()
            .allCommands());
    RedisConfig small = config().withHistorySize(20);
    Node a = node(small);
    Node b = node(small.withUri("redis://nodeb:pw@127.0.0.1:" + redis.port()));
    SseSubscriber subscriber = subscribe(b.base(), null);
    String first = a.publishOk(TOPIC, "first");
    await().atMost(WAIT).until(() -> subscriber.events.size() == 1);

    admin.aclSetuser("nodeb", io.lettuce.core.AclSetuserArgs.Builder.off());
    admin.clientKill(KillArgs.Builder.user("nodeb"));
    await().atMost(WAIT).until(() -> b.get("/readyz").statusCode() == 503);
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      published.add(a.publishOk(TOPIC, "while cut off " + i));
    }
    admin.aclSetuser("nodeb", io.lettuce.core.AclSetuserArgs.Builder.on());

    // 10 of the 30 were trimmed before b could read them: its stream ends before the gap.
    await().atMost(WAIT).until(subscriber::ended);
    assertThat(subscriber.ids()).containsExactly(first);
    await().atMost(WAIT).until(() -> b.get("/readyz").statusCode() == 200);
    SseSubscriber resumed = subscribe(b.base(), first);
    assertThat(resumed.lastEventIdHeader()).isEqualTo("earliest");
    await().atMost(WAIT).until(() -> resumed.events.size() >= 20);
    assertThat(resumed.ids()).containsExactlyElementsOf(published.subList(10, 30));
  }

  @Test
  void redisRestartedEmptyIsAGapTooAndPublishingGoesOn() throws Exception {
    redis = RedisServer.start(redisDir, false); // nothing survives a restart
    Node a = node(config());
    SseSubscriber subscriber = subscribe(a.base(), null);
    a.publishOk(TOPIC, "1");
    String second = a.publishOk(TOPIC, "2");
    await().atMost(WAIT).until(() -> subscriber.events.size() == 2);
    redis.stop();
    redis.restart();
    await().atMost(WAIT).until(subscriber::ended);
    await().atMost(WAIT).until(() -> a.get("/readyz").statusCode() == 200);
    String third = a.publishOk(TOPIC, "3");
    SseSubscriber resumed = subscribe(a.base(), second);
    assertThat(resumed.lastEventIdHeader()).isEqualTo("earliest");
    await().atMost(WAIT).until(() -> resumed.events.size() == 1);
    assertThat(resumed.ids()).containsExactly(third);
  }

  @Test
  void aSentinelUriFindsTheMasterThroughTheSentinel() throws Exception {
    redis = RedisServer.start(redisDir, false);
    RedisServer sentinel = RedisServer.startSentinel(redisDir, redis);
    opened.add(sentinel);
    Node a = node(config().withUri("redis-sentinel://127.0.0.1:" + sentinel.port() + "#mymaster"));
    Node b = node(config());
    SseSubscriber subscriber = subscribe(b.base(), null);
    String id = a.publishOk(TOPIC, "through the sentinel");
    await().atMost(WAIT).until(() -> subscriber.events.size() == 1);
    assertThat(subscriber.ids()).containsExactly(id);
  }
}
