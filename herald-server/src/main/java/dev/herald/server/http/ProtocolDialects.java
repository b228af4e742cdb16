package dev.herald.server.http;

import dev.herald.core.auth.AccessTokenVerifier;
import dev.herald.core.auth.Algorithms;
import dev.herald.core.auth.JwksKeySource;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.KeyRefresher;
import dev.herald.core.auth.KeySource;
import dev.herald.core.auth.MatcherCompiler;
import dev.herald.core.auth.TokenVerifier;
import dev.herald.core.auth.TrustedIssuers;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.ProtocolConfig;
import dev.herald.server.ServerConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dialects a hub speaks, built once from its configuration, and the choice of one per request,
 * made before any handler runs. With both versions on, the request decides, in this order (README,
 * "Which protocol a request speaks"):
 *
 * <ol>
 *   <li>its query: a name in the {@code match} namespace or {@code last_event_id} is draft-08,
 *       {@code topic} or {@code lastEventID} draft-07, both families at once a 400;
 *   <li>its token: an {@code Authorization: Bearer} token whose header says {@code at+jwt}, or the
 *       draft-08 cookie, is draft-08; another bearer token, the {@code authorization} query
 *       parameter or the draft-07 cookie is draft-07;
 *   <li>otherwise draft-07, as before draft-08 existed: a request that names nothing of either
 *       version (a publish or a subscribe without selectors and without a token) gets exactly the
 *       answers it always got.
 * </ol>
 *
 * <p>Owns the JWK Set refresher thread (closed with {@link #close}). Immutable otherwise; safe from
 * any thread.
 */
final class ProtocolDialects implements AutoCloseable {

  private final Draft07 draft07; // null when off
  private final Draft08 draft08; // null when off
  private final List<ProtocolDialect> all;
  private final KeyRefresher refresher = new KeyRefresher();

  ProtocolDialects(ServerConfig config) {
    this(config, Clock.systemUTC());
  }

  ProtocolDialects(ServerConfig config, Clock clock) {
    ProtocolConfig protocols = config.protocols();
    List<ProtocolDialect> dialects = new ArrayList<>();
    draft07 = protocols.versions().draft07() ? draft07(config, clock) : null;
    draft08 = protocols.versions().draft08() ? draft08(config, clock) : null;
    if (draft07 != null) {
      dialects.add(draft07);
    }
    if (draft08 != null) {
      dialects.add(draft08);
    }
    all = List.copyOf(dialects);
  }

  private Draft07 draft07(ServerConfig config, Clock clock) {
    String jwks = config.protocols().jwtJwks();
    if (jwks != null) {
      JwksKeySource keys = new JwksKeySource(URI.create(jwks), Algorithms.DRAFT_07, refresher);
      keys.start();
      TokenVerifier both = new TokenVerifier(keys, clock);
      return new Draft07(both, both, config.cookieName());
    }
    return new Draft07(
        verifier(config.publisherKey(), clock),
        verifier(config.subscriberKey(), clock),
        config.cookieName());
  }

  private static TokenVerifier verifier(JwtKey key, Clock clock) {
    return key == null ? null : new TokenVerifier(KeySource.of(key), clock);
  }

  private Draft08 draft08(ServerConfig config, Clock clock) {
    ProtocolConfig protocols = config.protocols();
    TrustedIssuers issuers = TrustedIssuers.parse(protocols.issuers(), refresher);
    issuers.start();
    String resourceId = config.resourceId();
    AccessTokenVerifier verifier =
        new AccessTokenVerifier(resourceId, issuers, MatcherCompiler.forHub(resourceId), clock);
    ResourceMetadata metadata =
        new ResourceMetadata(
            resourceId,
            issuers.issuersWithKeySets(),
            protocols.accessCookieName(),
            TopicSelector.MATCHER_TYPES,
            config.hub().subscriptionEvents());
    return new Draft08(
        verifier, metadata, protocols.accessCookieName(), config.hub().maxTopicsPerSubscription());
  }

  /** Every dialect spoken. */
  List<ProtocolDialect> all() {
    return all;
  }

  /** The draft-08 dialect, or null when the hub does not speak it. */
  Draft08 draft08() {
    return draft08;
  }

  /**
   * The dialect of one request.
   *
   * @throws HttpError 400 when the query mixes both versions' parameters
   */
  ProtocolDialect choose(Exchange exchange) {
    if (draft08 == null) {
      return draft07;
    }
    if (draft07 == null) {
      return draft08;
    }
    Map<String, List<String>> query = exchange.query();
    boolean speaks08 = draft08.namedByQuery(query);
    boolean speaks07 = draft07.namedByQuery(query);
    if (speaks08 && speaks07) {
      throw HttpError.badRequest(
          "query mixes "
              + draft07.name()
              + " parameters ("
              + draft07.queryParameterNames()
              + ") with "
              + draft08.name()
              + " ones ("
              + draft08.queryParameterNames()
              + ") (expected: one protocol's)");
    }
    if (speaks08) {
      return draft08;
    }
    if (speaks07) {
      return draft07;
    }
    String authorization = exchange.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return draft08.recognizesBearer(authorization.substring(7).strip()) ? draft08 : draft07;
    }
    if (query.containsKey(TokenLookup.QUERY_PARAMETER)) {
      return draft07; // the one dialect that takes a token from the query
    }
    String cookies = exchange.headers().get(HttpHeaderNames.COOKIE);
    if (cookies != null) {
      for (Cookie cookie : ServerCookieDecoder.LAX.decode(cookies)) {
        if (cookie.name().equals(draft08.cookieName())) {
          return draft08;
        }
        if (cookie.name().equals(draft07.cookieName())) {
          return draft07;
        }
      }
    }
    return draft07;
  }

  /**
   * The token of a request speaking {@code dialect}, looked up once where the dialect allows; null
   * when it carries none.
   *
   * @throws HttpError the dialect's 401 when the {@code Authorization} header is not a bearer token
   */
  static TokenLookup.Found token(Exchange exchange, ProtocolDialect dialect) {
    try {
      return TokenLookup.find(
          dialect.tokenSources(), exchange.headers(), exchange.query(), dialect.cookieName());
    } catch (TokenLookup.MalformedHeader e) {
      throw dialect.rejection(ProtocolDialect.AuthFailure.MALFORMED, e.getMessage());
    }
  }

  @Override
  public void close() {
    refresher.close();
  }
}
