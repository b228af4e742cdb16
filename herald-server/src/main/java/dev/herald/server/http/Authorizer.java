package dev.herald.server.http;

import dev.herald.core.Hub;
import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.auth.AuthException;
import dev.herald.core.auth.Claims;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenVerifier;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.ServerConfig;
import dev.herald.server.http.ProtocolDialect.AuthFailure;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place requests are authorized: finds the token where the request's dialect allows
 * (header, query, cookie), verifies it with the key of the role, and answers verified claims or
 * throws one {@link HttpError} carrying its status and challenge (401 missing, malformed or
 * invalid; 403 insufficient). Cookie-authenticated publishes must also come from an allowed
 * origin (CSRF).
 *
 * <p>Immutable; shared by every connection, safe from any thread (the verifiers are).
 */
final class Authorizer {

  /** Who presents the token; each role has its own key. */
  enum Role {
    PUBLISHER("publisher"),
    SUBSCRIBER("subscriber");

    private final String label;

    Role(String label) {
      this.label = label;
    }
  }

  private final ServerConfig config;
  /** One verifier per role and dialect: dialects read different grants, and each caches. */
  private final Map<ProtocolDialect, TokenVerifier> publisherVerifiers = new HashMap<>();
  private final Map<ProtocolDialect, TokenVerifier> subscriberVerifiers = new HashMap<>();

  Authorizer(ServerConfig config, Clock clock, List<ProtocolDialect> dialects) {
    this.config = config;
    for (ProtocolDialect dialect : dialects) {
      putVerifier(publisherVerifiers, dialect, config.publisherKey(), clock);
      putVerifier(subscriberVerifiers, dialect, config.subscriberKey(), clock);
    }
  }

  private static void putVerifier(Map<ProtocolDialect, TokenVerifier> verifiers,
      ProtocolDialect dialect, JwtKey key, Clock clock) {
    if (key != null) {
      verifiers.put(dialect, new TokenVerifier(key, clock, dialect.grants()));
    }
  }

  /** The publisher's claims; a token is required. */
  Claims publisher(Exchange exchange) {
    TokenLookup.Found found = requireToken(exchange, Role.PUBLISHER);
    Claims claims = verify(exchange.dialect(), Role.PUBLISHER, found.token());
    if (found.source() == TokenLookup.Source.COOKIE) {
      checkPublishOrigin(exchange.headers());
    }
    return claims;
  }

  /** Whether every topic of {@code update} is granted by the publisher's claims. */
  void authorizePublish(Exchange exchange, Claims claims, Update update) {
    try {
      Hub.authorizePublish(claims.publish(), update);
    } catch (HubException e) {
      throw e.kind() == HubException.Kind.FORBIDDEN
          ? exchange.dialect().rejection(AuthFailure.INSUFFICIENT, e.getMessage())
          : HttpError.from(e);
    }
  }

  /**
   * The subscriber's claims: anonymous ones when no token is presented and anonymous subscribers
   * are allowed. A presented token must verify even then.
   */
  Claims subscriber(Exchange exchange) {
    TokenLookup.Found found = findToken(exchange);
    if (found == null) {
      if (config.anonymous()) {
        return Claims.anonymous();
      }
      throw missing(exchange, Role.SUBSCRIBER);
    }
    return verify(exchange.dialect(), Role.SUBSCRIBER, found.token());
  }

  /**
   * The claims of a subscriber reading the subscriptions API: a token is required and one of its
   * subscribe selectors must match the requested URL, as the protocol demands.
   */
  Claims subscriptionsReader(Exchange exchange) {
    TokenLookup.Found found = requireToken(exchange, Role.SUBSCRIBER);
    Claims claims = verify(exchange.dialect(), Role.SUBSCRIBER, found.token());
    String uri = exchange.request().uri();
    List<TopicSelector> granted = selectors(exchange, claims.subscribe());
    if (!TopicSelector.anyMatches(granted, List.of(uri, exchange.rawPath()))) {
      throw exchange.dialect().rejection(AuthFailure.INSUFFICIENT,
          uri + " is not matched by the token's mercure.subscribe " + claims.subscribe());
    }
    return claims;
  }

  private TokenLookup.Found requireToken(Exchange exchange, Role role) {
    TokenLookup.Found found = findToken(exchange);
    if (found == null) {
      throw missing(exchange, role);
    }
    return found;
  }

  private TokenLookup.Found findToken(Exchange exchange) {
    ProtocolDialect dialect = exchange.dialect();
    try {
      return TokenLookup.find(dialect.tokenSources(), exchange.headers(), exchange.query(),
          config.cookieName());
    } catch (TokenLookup.MalformedHeader e) {
      throw dialect.rejection(AuthFailure.MALFORMED, e.getMessage());
    }
  }

  private HttpError missing(Exchange exchange, Role role) {
    ProtocolDialect dialect = exchange.dialect();
    return dialect.rejection(AuthFailure.MISSING, role.label + " token missing (expected: "
        + TokenLookup.describe(dialect.tokenSources(), config.cookieName()) + ")");
  }

  private Claims verify(ProtocolDialect dialect, Role role, String token) {
    TokenVerifier verifier =
        (role == Role.PUBLISHER ? publisherVerifiers : subscriberVerifiers).get(dialect);
    if (verifier == null) {
      throw dialect.rejection(AuthFailure.INVALID, role.label + " tokens are not accepted: the hub"
          + " has no " + role.label + " key (start it with --" + role.label
          + "-jwt-key or --jwt-key)");
    }
    try {
      return verifier.verify(token);
    } catch (AuthException e) {
      throw dialect.rejection(AuthFailure.INVALID, e.getMessage());
    }
  }

  /** A token's selectors; an empty one makes the token invalid. */
  private static List<TopicSelector> selectors(Exchange exchange, List<String> raw) {
    try {
      return raw.stream().map(TopicSelector::of).toList();
    } catch (IllegalArgumentException e) {
      throw exchange.dialect().rejection(AuthFailure.INVALID, "token grants " + e.getMessage());
    }
  }

  /**
   * Browsers attach cookies to cross-site requests, so a cookie-authenticated publish must come
   * from an allowed origin (CSRF).
   */
  private void checkPublishOrigin(HttpHeaders headers) {
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (origin == null) {
      String referer = headers.get(HttpHeaderNames.REFERER);
      origin = referer == null ? null : originOf(referer);
    }
    List<String> allowed = config.publishOrigins();
    if (origin == null) {
      throw HttpError.forbidden(
          "cookie-authenticated publish without Origin or Referer header (expected: one of them)");
    }
    if (!allowed.contains("*") && !allowed.contains(origin)) {
      throw HttpError.forbidden(
          "origin " + origin + " may not publish with a cookie (expected one of: " + allowed + ")");
    }
  }

  private static String originOf(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getScheme() == null || uri.getHost() == null) {
        return null;
      }
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
