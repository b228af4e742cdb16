package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.server.webhook.WebhookSender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster-wide presence: two nodes in this JVM over one real redis-server, subscribers over real
 * sockets, a webhook receiver verifying every signature. A subscriber on A is listed and counted by
 * B; a node that dies without a goodbye is buried by the other within its lease, once; topics are
 * occupied and vacated once per change across both nodes; a receiver that was down gets every event
 * once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClusterPresenceTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration LEASE = Duration.ofMillis(1_500);
  private static final String TOPIC = "https://example.com/rooms/1";

  @TempDir Path redisDir;

  private RedisServer redis;
  private WebhookReceiver receiver;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    redis = RedisServer.start(redisDir, false);
    receiver = WebhookReceiver.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    receiver.close();
    redis.stop();
  }

  private PresenceNode node(boolean webhooks) throws Exception {
    RedisConfig config =
        RedisConfig.DEFAULTS.withUri(redis.uri()).withCommandTimeout(Duration.ofSeconds(2));
    PresenceNode node = PresenceNode.start(config, LEASE, webhooks ? receiver.url() : null);
    opened.add(node);
    return node;
  }

  private SseSubscriber subscribe(PresenceNode node, String topic) throws Exception {
    SseSubscriber subscriber = SseSubscriber.open(node.base(), topic, null);
    opened.add(subscriber);
    return subscriber;
  }

  private static String topicPath(String topic) {
    return ActiveSubscription.COLLECTION_PATH + "/" + ActiveSubscription.encode(topic);
  }

  private static int count(PresenceNode node, String topic) throws Exception {
    String body = node.apiOk(topicPath(topic) + "?count");
    return ((Number) com.nimbusds.jose.util.JSONObjectUtils.parse(body).get("count")).intValue();
  }

  @Test
  void aSubscriberOnOneNodeIsListedAndCountedByTheOther() throws Exception {
    PresenceNode a = node(false);
    PresenceNode b = node(false);

    SseSubscriber subscriber = subscribe(a, TOPIC);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(b.apiOk(topicPath(TOPIC))).contains("\"topic\":\"" + TOPIC + "\"");
              assertThat(count(b, TOPIC)).isEqualTo(1);
            });
    String listed = b.apiOk(ActiveSubscription.COLLECTION_PATH);
    assertThat(listed).contains("\"active\":true");
    assertThat(count(a, TOPIC)).isEqualTo(1); // its own node counts it too

    subscriber.close();
    await().atMost(WAIT).until(() -> count(b, TOPIC) == 0 && count(a, TOPIC) == 0);
    assertThat(b.apiOk(topicPath(TOPIC))).doesNotContain("\"topic\":\"" + TOPIC + "\"");
  }

  @Test
  void aReplicaCutOffFromTheStreamIsMadeWholeFromTheHashes() throws Exception {
    PresenceNode a = node(false);
    PresenceNode b = node(false);
    subscribe(a, TOPIC);
    subscribe(a, "urn:room:kept");
    await().atMost(WAIT).until(() -> count(b, TOPIC) == 1 && count(b, "urn:room:kept") == 1);

    // What B would miss while cut off: a change that the capped stream no longer holds.
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
    try (var admin = client.connect()) {
      String hash = "herald:presence:node:" + a.presence.node();
      for (var field : admin.sync().hgetall(hash).entrySet()) {
        if (field.getValue().contains(TOPIC)) {
          admin.sync().hdel(hash, field.getKey());
        }
      }
      admin.sync().xtrim("herald:presence:changes", 0);
      for (String line : admin.sync().clientList().split("\n")) {
        if (line.contains(" name=herald-presence-tail ")) {
          admin
              .sync()
              .clientKill(
                  io.lettuce.core.KillArgs.Builder.id(
                      Long.parseLong(line.substring(3, line.indexOf(' ')))));
        }
      }
    } finally {
      client.shutdown();
    }

    await().atMost(WAIT).until(() -> count(b, TOPIC) == 0);
    assertThat(count(b, "urn:room:kept")).isEqualTo(1);
  }

  @Test
  void aNodeThatDiesWithoutAGoodbyeIsBuriedByAnotherWithinItsLeaseOnce() throws Exception {
    PresenceNode a = node(true);
    PresenceNode b = node(true);
    PresenceNode c = node(true); // a second survivor: only one of them may bury A
    subscribe(a, TOPIC);
    await().atMost(WAIT).until(() -> count(b, TOPIC) == 1 && count(c, TOPIC) == 1);
    await().atMost(WAIT).until(() -> receiver.count(WebhookSender.TOPIC_OCCUPIED, TOPIC) == 1);

    long crashed = System.nanoTime();
    a.crash();

    await().atMost(WAIT).until(() -> count(b, TOPIC) == 0 && count(c, TOPIC) == 0);
    Duration gone = Duration.ofNanos(System.nanoTime() - crashed);
    await().atMost(WAIT).until(() -> receiver.count(WebhookSender.TOPIC_VACATED, TOPIC) == 1);
    // Markers from both survivors: each sends in order, so what they sent before has arrived.
    subscribe(b, "urn:marker:b");
    subscribe(c, "urn:marker:c");
    await()
        .atMost(WAIT)
        .until(
            () ->
                receiver.count(WebhookSender.TOPIC_OCCUPIED, "urn:marker:b") == 1
                    && receiver.count(WebhookSender.TOPIC_OCCUPIED, "urn:marker:c") == 1);
    assertThat(receiver.count(WebhookSender.SUBSCRIPTION_INACTIVE, TOPIC)).isEqualTo(1);
    assertThat(receiver.count(WebhookSender.TOPIC_VACATED, TOPIC)).isEqualTo(1);
    assertThat(receiver.rejected.get()).isZero();
    // Detection: the lease, plus a third of it between two looks, plus a read of the stream.
    assertThat(gone).isLessThan(LEASE.multipliedBy(3));
  }

  @Test
  void killNineOfANodeEndsItsSubscriptionsEverywhereOnceWithinTheLease() throws Exception {
    Path portFile = redisDir.resolve("port-of-a");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                PresenceNodeMain.class.getName(),
                redis.uri(),
                Long.toString(LEASE.toMillis()),
                receiver.url(),
                portFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(redisDir.resolve("child-output.txt").toFile())
            .start();
    opened.add(
        () -> {
          child.destroyForcibly();
          child.waitFor(10, TimeUnit.SECONDS);
        });
    await().atMost(WAIT).until(() -> Files.exists(portFile) || !child.isAlive());
    assertThat(child.isAlive()).as(() -> childOutput()).isTrue();
    String a = Node.base(Integer.parseInt(Files.readString(portFile).strip()));
    PresenceNode b = node(true);
    // An observer on B of every subscription event (draft-07: private updates on the API's paths).
    SseSubscriber observer =
        SseSubscriber.open(
            b.base(),
            ActiveSubscription.COLLECTION_PATH + "/{topic}/{subscriber}",
            null,
            PresenceNode.READER);
    opened.add(observer);
    SseSubscriber onA = SseSubscriber.open(a, TOPIC, null);
    opened.add(onA);
    await().atMost(WAIT).until(() -> count(b, TOPIC) == 1);

    long killed = System.nanoTime();
    child.destroyForcibly(); // SIGKILL: no goodbye, no end of its streams
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

    await().atMost(WAIT).until(() -> count(b, TOPIC) == 0);
    Duration gone = Duration.ofNanos(System.nanoTime() - killed);
    await()
        .atMost(WAIT)
        .until(
            () ->
                observer.data().stream()
                    .anyMatch(d -> d.contains(TOPIC) && d.contains("\"active\":false")));
    await()
        .atMost(WAIT)
        .until(() -> receiver.count(WebhookSender.SUBSCRIPTION_INACTIVE, TOPIC) == 1);
    subscribe(b, "urn:marker:b"); // B sends in order: once its marker is in, so is all before
    await()
        .atMost(WAIT)
        .until(() -> receiver.count(WebhookSender.TOPIC_OCCUPIED, "urn:marker:b") == 1);
    assertThat(receiver.count(WebhookSender.SUBSCRIPTION_INACTIVE, TOPIC)).isEqualTo(1);
    assertThat(receiver.count(WebhookSender.TOPIC_VACATED, TOPIC)).isEqualTo(1);
    assertThat(
            observer.data().stream()
                .filter(d -> d.contains(TOPIC) && d.contains("\"active\":false"))
                .count())
        .isEqualTo(1);
    assertThat(gone).isLessThan(LEASE.multipliedBy(3));
  }

  private String childOutput() {
    try {
      return Files.readString(redisDir.resolve("child-output.txt"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void topicsAreOccupiedAndVacatedOncePerChangeAcrossTwoNodes() throws Exception {
    PresenceNode a = node(true);
    PresenceNode b = node(true);

    SseSubscriber onA = subscribe(a, TOPIC);
    await().atMost(WAIT).until(() -> count(b, TOPIC) == 1);
    SseSubscriber onB = subscribe(b, TOPIC);
    await().atMost(WAIT).until(() -> count(a, TOPIC) == 2);
    onA.close();
    await().atMost(WAIT).until(() -> count(b, TOPIC) == 1);
    onB.close();
    await().atMost(WAIT).until(() -> count(a, TOPIC) == 0);
    await().atMost(WAIT).until(() -> receiver.count(WebhookSender.TOPIC_VACATED, TOPIC) == 1);
    subscribe(a, "urn:marker:a");
    subscribe(b, "urn:marker:b");
    await()
        .atMost(WAIT)
        .until(
            () ->
                receiver.count(WebhookSender.TOPIC_OCCUPIED, "urn:marker:a") == 1
                    && receiver.count(WebhookSender.TOPIC_OCCUPIED, "urn:marker:b") == 1);

    assertThat(receiver.count(WebhookSender.TOPIC_OCCUPIED, TOPIC)).isEqualTo(1);
    assertThat(receiver.count(WebhookSender.TOPIC_VACATED, TOPIC)).isEqualTo(1);
    assertThat(receiver.count(WebhookSender.SUBSCRIPTION_ACTIVE, TOPIC)).isEqualTo(2);
    assertThat(receiver.count(WebhookSender.SUBSCRIPTION_INACTIVE, TOPIC)).isEqualTo(2);
    assertThat(receiver.rejected.get()).isZero();
    // In order per subscription: each one's active before its inactive.
    List<String> order =
        receiver.messages.stream()
            .filter(m -> TOPIC.equals(m.topic()) && m.type().startsWith("subscription."))
            .map(m -> m.data().get("subscriber") + " " + m.type())
            .toList();
    for (String subscriber : order.stream().map(s -> s.split(" ")[0]).distinct().toList()) {
      assertThat(order.stream().filter(s -> s.startsWith(subscriber + " ")).toList())
          .containsExactly(
              subscriber + " " + WebhookSender.SUBSCRIPTION_ACTIVE,
              subscriber + " " + WebhookSender.SUBSCRIPTION_INACTIVE);
    }
  }

  @Test
  void aReceiverThatWasDownGetsEveryEventOnceBackUp() throws Exception {
    PresenceNode a = node(true);
    receiver.stop();
    int subscribers = 20;
    List<SseSubscriber> open = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      open.add(subscribe(a, "urn:room:" + i));
    }
    await().atMost(WAIT).until(() -> count(a, "urn:room:" + (subscribers - 1)) == 1);
    for (SseSubscriber subscriber : open) {
      subscriber.close();
    }
    await().atMost(WAIT).until(() -> a.webhooks.failedAttempts() > 0);
    receiver.restart();

    await()
        .atMost(WAIT)
        .until(() -> receiver.messages.size() == subscribers * 4); // active, occupied, ...
    Set<String> ids = new HashSet<>();
    receiver.messages.forEach(m -> ids.add(m.id()));
    assertThat(ids).hasSize(subscribers * 4);
    for (int i = 0; i < subscribers; i++) {
      assertThat(receiver.count(WebhookSender.TOPIC_OCCUPIED, "urn:room:" + i)).isEqualTo(1);
      assertThat(receiver.count(WebhookSender.TOPIC_VACATED, "urn:room:" + i)).isEqualTo(1);
    }
    assertThat(a.webhooks.dropped()).isZero();
    assertThat(a.webhooks.givenUp()).isZero();
  }
}
