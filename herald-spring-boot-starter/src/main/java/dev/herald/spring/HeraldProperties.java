package dev.herald.spring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The {@code herald.*} properties, bound once at start-up and immutable afterwards. A remote hub is
 * reached with {@code herald.hub-url} and a publisher token (given, or minted from {@code
 * herald.publisher-key}); {@code herald.embedded.*} runs a hub inside the application instead.
 *
 * @param hubUrl the remote hub's {@code /.well-known/mercure} URL
 * @param publisherToken a publisher JWT for the remote hub
 * @param publisherKey the remote hub's HMAC secret, to mint (and renew) publisher tokens from
 * @param publisherKeyAlgorithm HS256, HS384 or HS512
 * @param publishTopics the topic selectors minted tokens may publish to
 * @param tokenTtl how long a minted token lives; a new one is minted before it expires
 * @param outboxTable the outbox table {@code HeraldTemplate.publishInTransaction} writes to, when
 *     the hub that consumes it is remote (default: herald_outbox); an embedded hub's own {@code
 *     herald.embedded.outbox-table} wins
 * @param embedded the embedded hub
 */
@ConfigurationProperties("herald")
public record HeraldProperties(
    URI hubUrl,
    String publisherToken,
    String publisherKey,
    @DefaultValue("HS256") String publisherKeyAlgorithm,
    @DefaultValue("*") List<String> publishTopics,
    @DefaultValue("1h") Duration tokenTtl,
    @DefaultValue("herald_outbox") String outboxTable,
    @DefaultValue Embedded embedded) {

  /**
   * The options of {@code herald serve}, as {@code herald.embedded.*} properties; a property left
   * out takes the hub's own default (herald-server's {@code ServerConfig}), except where said.
   *
   * @param enabled whether the application runs a hub (default: false)
   * @param listen {@code HOST:PORT} addresses to accept HTTP on; port 0 picks a free one (default:
   *     localhost:3000)
   * @param tlsListen {@code HOST:PORT} addresses to accept TLS on (HTTP/2 by ALPN)
   * @param tlsCert PEM certificate chain for tls-listen (default: a generated development one)
   * @param tlsKey PEM private key (PKCS#8, RSA or EC) of tls-cert
   * @param maxConcurrentStreams HTTP/2 streams one connection may open at once (default: 250)
   * @param transport auto, io_uring, epoll or nio (default: auto, which falls back by itself)
   * @param eventLoops event loops serving connections and delivering events (default: one per
   *     available processor)
   * @param shutdownGrace how long the graceful shutdown may take (default: 10s)
   * @param warmUp after listening, how long the hub exercises its hot paths on a private loopback
   *     hub before its health indicator reports UP; 0 for none (default: 3s)
   * @param jwtKey key for publisher and subscriber tokens: an HMAC secret or a PEM public key;
   *     without one, only the application publishes (in-process) and only anonymous subscribers
   * @param publisherJwtKey key for publisher tokens only
   * @param subscriberJwtKey key for subscriber tokens only
   * @param jwtAlg HS256/384/512, RS256/384/512, PS256/384/512 or ES256/384/512
   * @param anonymous whether subscribers without a token get public updates (default: true)
   * @param corsOrigins origins allowed to use the hub from a browser, or * (default: none)
   * @param publishOrigins origins allowed to publish with a cookie token (default: none)
   * @param cookieName the cookie that may carry the token (default: mercureAuthorization)
   * @param heartbeat idle time before a keep-alive comment; 0 disables (default: 40s)
   * @param history {@code memory} (default here: an application should not create a data directory
   *     unasked) or {@code durable}
   * @param dataDir directory of the durable history, one hub per directory (default: ./herald-data)
   * @param fsync when a publish is acknowledged with the durable history: always, batch or never
   *     (default: batch)
   * @param historySize newest events kept for reconnecting subscribers (default: 10000)
   * @param historyMaxAge durable history: events older than this are pruned (default: none)
   * @param historyMaxBytes durable history: payload size to prune down to (default: none)
   * @param redis a Redis URI: the hub is one node of a cluster sharing its history there (needs
   *     {@code dev.herald:herald-redis} on the classpath)
   * @param redisPrefix with redis: prepended to the hub's keys, one prefix per cluster (default:
   *     herald:)
   * @param redisTimeout with redis: how long a command may wait (default: 5s)
   * @param maxTailLag with redis: how far behind the shared stream the hub may fall before it
   *     reports itself unready (default: 5s)
   * @param subscriberQueue events that may wait for one slow subscriber (default: 4096)
   * @param maxBody largest publish request body (default: 1MB)
   * @param subscriptions subscription events and the subscriptions API (default: false)
   * @param demo the {@code /sse} demo stream (default here: off)
   * @param metrics {@code /metrics} on the hub's port and the meters (default: true)
   * @param authCallback the application's URL the hub asks whether a request without a valid token
   *     may subscribe or publish (README, "Authorization callback"; default: none)
   * @param authCallbackCookies the cookies forwarded to it, e.g. the session cookie (default: none)
   * @param authCallbackTimeout how long a call may take before the request is answered 503
   *     (default: 2s)
   * @param authCallbackAlways ask it for every request, even one with a valid token (default:
   *     false)
   * @param webhook URLs that get subscription active/inactive and topic occupied/vacated events,
   *     signed as Standard Webhooks (default: none)
   * @param webhookSecret with webhook: the signing secret, {@code whsec_} + base64
   * @param outbox a PostgreSQL outbox the hub consumes, postgresql://USER[:PASSWORD]@HOST[:PORT]/DB
   *     (default: none)
   * @param outboxTable with outbox: its table, name or schema.name (default: herald_outbox)
   */
  public record Embedded(
      @DefaultValue("false") boolean enabled,
      List<String> listen,
      List<String> tlsListen,
      Path tlsCert,
      Path tlsKey,
      Integer maxConcurrentStreams,
      String transport,
      Integer eventLoops,
      Duration shutdownGrace,
      Duration warmUp,
      String jwtKey,
      String publisherJwtKey,
      String subscriberJwtKey,
      @DefaultValue("HS256") String jwtAlg,
      Boolean anonymous,
      List<String> corsOrigins,
      List<String> publishOrigins,
      String cookieName,
      Duration heartbeat,
      @DefaultValue("memory") String history,
      Path dataDir,
      String fsync,
      Integer historySize,
      Duration historyMaxAge,
      DataSize historyMaxBytes,
      String redis,
      String redisPrefix,
      Duration redisTimeout,
      Duration maxTailLag,
      Integer subscriberQueue,
      DataSize maxBody,
      Boolean subscriptions,
      @DefaultValue("false") boolean demo,
      Boolean metrics,
      URI authCallback,
      List<String> authCallbackCookies,
      Duration authCallbackTimeout,
      Boolean authCallbackAlways,
      List<String> webhook,
      String webhookSecret,
      String outbox,
      String outboxTable) {}
}
