package dev.herald.spring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The {@code herald.*} properties, bound once at start-up and immutable afterwards. A remote hub
 * is reached with {@code herald.hub-url} and a publisher token (given, or minted from {@code
 * herald.publisher-key}); {@code herald.embedded.*} runs a hub inside the application instead.
 *
 * @param hubUrl the remote hub's {@code /.well-known/mercure} URL
 * @param publisherToken a publisher JWT for the remote hub
 * @param publisherKey the remote hub's HMAC secret, to mint (and renew) publisher tokens from
 * @param publisherKeyAlgorithm HS256, HS384 or HS512
 * @param publishTopics the topic selectors minted tokens may publish to
 * @param tokenTtl how long a minted token lives; a new one is minted before it expires
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
    @DefaultValue Embedded embedded) {

  /**
   * The options of {@code herald serve}, as {@code herald.embedded.*} properties; a property left
   * out takes the hub's own default (herald-server's {@code ServerConfig}), except where said.
   *
   * @param enabled whether the application runs a hub (default: false)
   * @param listen {@code HOST:PORT} addresses to accept HTTP on; port 0 picks a free one
   *     (default: localhost:3000)
   * @param history {@code memory} (default here: an application should not create a data
   *     directory unasked) or {@code durable}
   * @param redis a Redis URI: the hub is one node of a cluster sharing its history there (needs
   *     {@code dev.herald:herald-redis} on the classpath)
   * @param demo the {@code /sse} demo stream (default here: off)
   */
  public record Embedded(
      @DefaultValue("false") boolean enabled,
      List<String> listen,
      List<String> tlsListen,
      Path tlsCert,
      Path tlsKey,
      Integer maxConcurrentStreams,
      String transport,
      Duration shutdownGrace,
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
      @DefaultValue("./herald-data") Path dataDir,
      @DefaultValue("batch") String fsync,
      Integer historySize,
      Duration historyMaxAge,
      DataSize historyMaxBytes,
      String redis,
      @DefaultValue("herald:") String redisPrefix,
      Duration redisTimeout,
      Duration maxTailLag,
      Integer subscriberQueue,
      DataSize maxBody,
      Boolean subscriptions,
      @DefaultValue("false") boolean demo,
      Boolean metrics) {}
}
