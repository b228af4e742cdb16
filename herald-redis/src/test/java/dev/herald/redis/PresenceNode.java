package dev.herald.redis;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.TokenMinter;
import dev.herald.server.HeraldServer;
import dev.herald.server.http.SubscriptionFormats;
import dev.herald.server.webhook.WebhookConfig;
import dev.herald.server.webhook.WebhookSender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A node of a test cluster with cluster-wide presence: a HeraldServer whose hub runs over its own
 * {@link RedisLog}, answers the subscriptions API from its {@link RedisPresence} and tells a {@link
 * WebhookSender} (when given a receiver) of joins, leaves and occupied/vacated topics, as {@code
 * HeraldNode} assembles them. Started and closed from the test's thread.
 */
final class PresenceNode implements AutoCloseable {

  /** Reads every subscriptions API path: draft-07 grants match them with {@code *}. */
  static final String READER =
      TokenMinter.mint(Node.KEY, null, List.of("*"), null, null, Clock.systemUTC());

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final RedisPresence presence;
  final HeraldServer server;
  final WebhookSender webhooks; // null without a receiver
  private boolean closed;

  private PresenceNode(RedisPresence presence, HeraldServer server, WebhookSender webhooks) {
    this.presence = presence;
    this.server = server;
    this.webhooks = webhooks;
  }

  /**
   * @param receiver where webhooks go, or null for none
   */
  static PresenceNode start(RedisConfig redis, Duration lease, String receiver)
      throws InterruptedException {
    RedisLog log = RedisLog.connect(redis);
    Hub hub =
        new Hub(
            HubConfig.DEFAULTS
                .withHistorySize((int) redis.historySize())
                .withSubscriptionEvents(true),
            log);
    RedisPresence presence = RedisPresence.open(redis, lease, hub, SubscriptionFormats.ALL);
    hub.usePresence(presence);
    WebhookSender webhooks = null;
    if (receiver != null) {
      webhooks =
          new WebhookSender(
              WebhookConfig.of(List.of(URI.create(receiver)), WebhookReceiver.SECRET)
                  .withRetries(Duration.ofMinutes(2), Duration.ofMillis(50), Duration.ofMillis(400))
                  .withTimeout(Duration.ofSeconds(2)),
              Clock.systemUTC());
      hub.tellPresence(webhooks);
    }
    HeraldServer server =
        HeraldServer.builder(Node.serverConfig(0).hub(hub.config()).build()).hub(hub).start();
    return new PresenceNode(presence, server, webhooks);
  }

  String base() {
    return Node.base(server.port());
  }

  /** GETs a subscriptions API path with the reader's token. */
  HttpResponse<String> api(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bearer " + READER)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The body of a 200 answer to {@code path}. */
  String apiOk(String path) throws Exception {
    HttpResponse<String> response = api(path);
    if (response.statusCode() != 200) {
      throw new AssertionError(path + ": " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  /**
   * Dies without a goodbye, as {@code kill -9} would leave it for the others: presence stops
   * renewing its lease first, then the server closes (its departures are no longer written).
   */
  void crash() {
    presence.abandon();
    close();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.close(); // closes the hub, which says goodbye and closes the log
    if (webhooks != null) {
      webhooks.close();
    }
  }
}
