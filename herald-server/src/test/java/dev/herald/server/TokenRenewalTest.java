package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.client.HeraldClientException;
import dev.herald.client.HeraldSubscriber;
import dev.herald.client.ServerSentEvent;
import dev.herald.client.SubscriptionListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Tokens renewed without a blip, over real sockets: herald-client subscribes with 5-second tokens
 * while updates arrive at 20 per second; before each token expires the hub announces it, the client
 * takes a fresh token and resumes with Last-Event-ID, so every update arrives once and in order,
 * the hub never has to close a stream at expiry, and the client never holds two streams.
 */
class TokenRenewalTest extends ServerTestBase {

  private static final int UPDATES = 240; // 12 s at 20 per second: two or three renewals

  @Override
  ServerConfig.Builder config() {
    return super.config().anonymous(false);
  }

  @Test
  void fiveSecondTokensAreRenewedBeforeTheyExpireLosingAndRepeatingNothing() throws Exception {
    AtomicInteger tokens = new AtomicInteger();
    List<String> received = new CopyOnWriteArrayList<>();
    AtomicInteger disconnects = new AtomicInteger();
    CountingHttpClient client =
        new CountingHttpClient(
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    // The first event gives the subscriber a place to resume from before the first renewal.
    publishOk("topic=private&data=start&private=on");
    HeraldSubscriber subscriber =
        HeraldSubscriber.builder(URI.create(base + "/.well-known/mercure"))
            .topics("private")
            .lastEventId("earliest")
            .httpClient(client)
            .token(
                () -> {
                  tokens.incrementAndGet();
                  return token(null, List.of("private"), Duration.ofSeconds(5));
                })
            .start(
                new SubscriptionListener() {
                  @Override
                  public void onEvent(ServerSentEvent event) {
                    received.add(event.data());
                  }

                  @Override
                  public void onDisconnect(HeraldClientException reason, Duration retryIn) {
                    disconnects.incrementAndGet();
                  }
                });
    ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger published = new AtomicInteger();
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("start"));
      publisher.scheduleAtFixedRate(
          () -> {
            int n = published.get();
            if (n < UPDATES) {
              try {
                publishOk("topic=private&data=" + n + "&private=on");
                published.incrementAndGet();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          },
          0,
          50,
          TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= UPDATES + 1);
    } finally {
      publisher.shutdownNow();
      subscriber.close();
    }
    List<String> expected =
        IntStream.range(0, UPDATES)
            .mapToObj(String::valueOf)
            .collect(java.util.stream.Collectors.toList());
    expected.add(0, "start");
    assertThat(received).as("every update once, in order").isEqualTo(expected);
    assertThat(client.opened.get())
        .as("streams opened: the first and one per renewal")
        .isGreaterThan(2);
    assertThat(tokens.get()).isGreaterThanOrEqualTo(client.opened.get());
    assertThat(client.mostOpen.get()).as("never two streams at once").isEqualTo(1);
    assertThat(disconnects.get()).as("the hub never closed a stream at expiry").isZero();
  }
}
