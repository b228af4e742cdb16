package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.server.webhook.DurableWebhooks;
import dev.herald.server.webhook.WebhookConfig;
import dev.herald.server.webhook.WebhookSubscription;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable webhook subscriber configured on two nodes of a cluster (real Redis, a verifying
 * receiver): exactly one node delivers it, from the cursor kept in Redis, and when that node goes
 * away the other carries on from where it stopped, every update once and in order.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClusterWebhookSubscriberTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration LEASE = Duration.ofMillis(900);

  @TempDir Path redisDir;

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private Hub hub(RedisConfig config) {
    Hub hub = new Hub(HubConfig.DEFAULTS.withHistorySize(5_000), RedisLog.connect(config));
    opened.add(hub);
    return hub;
  }

  private DurableWebhooks subscriber(Hub hub, RedisConfig config, WebhookReceiver receiver) {
    return subscriber(hub, RedisCursorStore.open(config, LEASE), receiver);
  }

  private DurableWebhooks subscriber(Hub hub, RedisCursorStore store, WebhookReceiver receiver) {
    WebhookConfig webhooks =
        WebhookConfig.NONE
            .withSecret(WebhookReceiver.SECRET)
            .withSubscribers(
                List.of(
                    new WebhookSubscription(
                        "orders",
                        URI.create(receiver.url()),
                        List.of("https://example.com/orders/{id}"),
                        List.of())))
            .withRetries(Duration.ofMinutes(1), Duration.ofMillis(20), Duration.ofMillis(200));
    DurableWebhooks subscribers = new DurableWebhooks(hub, webhooks, store, Clock.systemUTC());
    opened.add(subscribers);
    return subscribers;
  }

  @Test
  void whenTheDeliveringNodeLosesRedisWithoutAGoodbyeTheOtherTakesOverOnceTheLeaseLapses()
      throws Exception {
    RedisServer redis = RedisServer.start(redisDir, false);
    opened.add(redis);
    WebhookReceiver receiver = WebhookReceiver.start();
    opened.add(receiver);
    RedisConfig config =
        RedisConfig.DEFAULTS.withUri(redis.uri()).withCommandTimeout(Duration.ofSeconds(2));
    Hub a = hub(config);
    Hub b = hub(config);
    RedisCursorStore storeOfA = RedisCursorStore.open(config, LEASE);
    DurableWebhooks onA = subscriber(a, storeOfA, receiver);
    await().atMost(WAIT).until(() -> a.subscriberCount() == 1); // A took the lease
    DurableWebhooks onB = subscriber(b, config, receiver);
    publish(a, 0, 50);
    await().atMost(WAIT).until(() -> receiver.messages.size() >= 50);

    long cut = System.nanoTime();
    storeOfA.close(); // A can no longer renew, nor give the lease up: it lapses
    publish(a, 50, 100);

    await().atMost(WAIT).until(() -> onB.delivered() > 0);
    Duration takeover = Duration.ofNanos(System.nanoTime() - cut);
    await().atMost(WAIT).until(() -> receiver.messages.size() >= 100);
    List<String> ids =
        receiver.messages.stream().map(m -> (String) m.data().get("id")).distinct().toList();
    assertThat(ids).containsExactlyElementsOf(ids(0, 100));
    assertThat(onA.delivered() + onB.delivered()).isLessThanOrEqualTo(101);
    assertThat(takeover).isGreaterThanOrEqualTo(LEASE.dividedBy(3)); // not before it lapsed
  }

  private static void publish(Hub hub, int from, int to) {
    for (int i = from; i < to; i++) {
      hub.publish(
              new Update(
                  List.of("https://example.com/orders/" + i),
                  "o" + i,
                  false,
                  "urn:order:" + i,
                  null,
                  null))
          .join();
    }
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add("urn:order:" + i);
    }
    return ids;
  }

  @Test
  void oneNodeDeliversAndTheOtherTakesOverFromTheCursor() throws Exception {
    RedisServer redis = RedisServer.start(redisDir, false);
    opened.add(redis);
    WebhookReceiver receiver = WebhookReceiver.start();
    opened.add(receiver);
    RedisConfig config =
        RedisConfig.DEFAULTS.withUri(redis.uri()).withCommandTimeout(Duration.ofSeconds(2));
    Hub a = hub(config);
    Hub b = hub(config);
    DurableWebhooks onA = subscriber(a, config, receiver);
    await().atMost(WAIT).until(() -> a.subscriberCount() == 1); // A took the lease
    DurableWebhooks onB = subscriber(b, config, receiver);

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String id = "urn:order:" + i;
      expected.add(id);
      a.publish(
              new Update(
                  List.of("https://example.com/orders/" + i), "o" + i, false, id, null, null))
          .join();
      if (i == 150) {
        await().atMost(WAIT).until(() -> receiver.messages.size() >= 100);
        onA.close(); // A goes away mid-stream: B resumes from the cursor in Redis
      }
    }

    await().atMost(WAIT).until(() -> receiver.messages.size() >= expected.size());
    List<String> ids =
        receiver.messages.stream().map(m -> (String) m.data().get("id")).distinct().toList();
    assertThat(ids).containsExactlyElementsOf(expected);
    // At most the update in flight when A stopped comes twice (same webhook-id: dropped).
    assertThat(receiver.messages.size()).isLessThanOrEqualTo(expected.size() + 1);
    assertThat(onA.delivered()).isPositive();
    assertThat(onB.delivered()).isPositive();
    assertThat(onA.delivered() + onB.delivered()).isLessThanOrEqualTo(expected.size() + 1);
    assertThat(receiver.rejected.get()).isZero();
  }
}
