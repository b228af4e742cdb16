package dev.herald.server.http;

import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.auth.AuthException;
import dev.herald.core.auth.Claims;
import dev.herald.core.auth.Grants;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.ServerConfig;
import dev.herald.server.http.ProtocolDialect.AuthFailure;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.util.List;

/**
 * The one place requests are authorized: finds the token where the request's dialect allows
 * (header, query, cookie), has the dialect verify it for the role, and answers its grants or throws
 * one {@link HttpError} carrying its status and challenge (401 missing, malformed or invalid; 403
 * insufficient). Cookie-authenticated publishes must also come from an allowed origin (CSRF).
 *
 * <p>Immutable; shared by every connection, safe from any thread (the dialects are).
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

    String label() {
      return label;
    }
  }

  private final ServerConfig config;

  Authorizer(ServerConfig config) {
    this.config = config;
  }

  /** The publisher's claims; a token is required. */
  Grants publisher(Exchange exchange) {
    TokenLookup.Found found = requireToken(exchange, Role.PUBLISHER);
    Grants claims = verify(exchange.dialect(), Role.PUBLISHER, found.token());
    if (found.source() == TokenLookup.Source.COOKIE) {
      checkPublishOrigin(exchange.headers());
    }
    return claims;
  }

  /** Whether every topic of {@code update} is granted by the publisher's claims. */
  void authorizePublish(Exchange exchange, Grants claims, Update update) {
    try {
      claims.authorizePublish(update.topics());
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
  Grants subscriber(Exchange exchange) {
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
  Grants subscriptionsReader(Exchange exchange) {
    TokenLookup.Found found = requireToken(exchange, Role.SUBSCRIBER);
    Grants claims = verify(exchange.dialect(), Role.SUBSCRIBER, found.token());
    String uri = exchange.request().uri();
    List<TopicSelector> granted = selectors(exchange, claims);
    if (!TopicSelector.anyMatches(
        granted, exchange.dialect().subscriptionsApiTopics(uri, exchange.rawPath()))) {
      throw exchange
          .dialect()
          .rejection(
              AuthFailure.INSUFFICIENT,
              uri
                  + " is not matched by"
                  + " the token's subscribe grants "
                  + granted.stream().map(TopicSelector::raw).toList());
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

  private static TokenLookup.Found findToken(Exchange exchange) {
    return exchange.caller().token();
  }

  private HttpError missing(Exchange exchange, Role role) {
    ProtocolDialect dialect = exchange.dialect();
    return dialect.rejection(
        AuthFailure.MISSING,
        role.label
            + " token missing (expected: "
            + TokenLookup.describe(dialect.tokenSources(), dialect.cookieName())
            + ")");
  }

  private static Grants verify(ProtocolDialect dialect, Role role, String token) {
    try {
      return dialect.verify(role, token);
    } catch (AuthException e) {
      throw dialect.rejection(AuthFailure.INVALID, e.getMessage());
    }
  }

  /** A token's subscribe selectors; an empty draft-07 one makes the token invalid. */
  private static List<TopicSelector> selectors(Exchange exchange, Grants claims) {
    try {
      return claims.privateSelectors();
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
      return uri.getScheme()
          + "://"
          + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
