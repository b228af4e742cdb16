package dev.herald.server.http;

import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.auth.AuthException;
import dev.herald.core.auth.Claims;
import dev.herald.core.auth.Grants;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.ServerConfig;
import dev.herald.server.auth.AccessDecider;
import dev.herald.server.auth.CallbackRefusal;
import dev.herald.server.http.ProtocolDialect.AuthFailure;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The one place requests are authorized: finds the token where the request's dialect allows
 * (header, query, cookie), has the dialect verify it for the role, and answers its grants or throws
 * one {@link HttpError} carrying its status and challenge (401 missing, malformed or invalid; 403
 * insufficient). Cookie-authenticated publishes must also come from an allowed origin (CSRF).
 *
 * <p>With an authorization callback, a request without a valid token (or every request, if so
 * configured) is decided by the application instead ({@link #subscriberFor}, {@link #publishable}):
 * its grants are claims like a token's, its refusals the same 401 and 403, and a callback that
 * cannot decide a 503, never a grant.
 *
 * <p>Immutable; shared by every connection, safe from any thread (the dialects and the callback
 * are).
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

  /** The application's say (the authorization callback); null when there is none. */
  private final AccessDecider callback;

  Authorizer(ServerConfig config) {
    this(config, null);
  }

  Authorizer(ServerConfig config, AccessDecider callback) {
    this.config = config;
    this.callback = callback;
  }

  /**
   * The subscriber's grants for a stream of {@code asked}: a valid token decides at once (as {@link
   * #subscriber}); without one, the authorization callback decides, later. Synchronous failures are
   * thrown; the callback's refusals fail the stage as {@link HttpError}s.
   */
  CompletionStage<Grants> subscriberFor(Exchange exchange, List<TopicSelector> asked) {
    if (callback == null) {
      return CompletableFuture.completedFuture(subscriber(exchange));
    }
    Grants verified = validToken(exchange, Role.SUBSCRIBER);
    if (verified != null) {
      return CompletableFuture.completedFuture(verified);
    }
    AccessDecider.Question question =
        question(
            exchange,
            AccessDecider.Action.SUBSCRIBE,
            asked.stream().map(TopicSelector::raw).toList());
    ProtocolDialect dialect = exchange.dialect();
    return callback
        .decide(question)
        .<Grants>thenApply(grants -> grants)
        .exceptionally(
            failure -> {
              HttpError error = refused(dialect, failure);
              if (error.status().code() == 401 && config.anonymous()) {
                return Claims.anonymous(); // not known to the application: public updates only
              }
              throw error;
            });
  }

  /**
   * The update of a publish once its publisher may publish it: a valid token decides at once (as
   * {@link #publisher} and {@link #authorizePublish}), otherwise the authorization callback, asked
   * with the update's topics. {@code read} reads the update from the request; it runs before any
   * asynchronous step, while the body is still there.
   */
  CompletionStage<Update> publishable(Exchange exchange, Function<Exchange, Update> read) {
    Grants verified = callback == null ? publisher(exchange) : validToken(exchange, Role.PUBLISHER);
    if (verified != null) {
      if (callback != null && exchange.caller().token().source() == TokenLookup.Source.COOKIE) {
        checkPublishOrigin(exchange.headers());
      }
      Update update = read.apply(exchange);
      authorizePublish(exchange, verified, update);
      return CompletableFuture.completedFuture(update);
    }
    Update update = read.apply(exchange);
    AccessDecider.Question question =
        question(exchange, AccessDecider.Action.PUBLISH, update.topics());
    if (!question.cookies().isEmpty()) {
      checkPublishOrigin(exchange.headers()); // cookies ride along on cross-site requests too
    }
    ProtocolDialect dialect = exchange.dialect();
    return callback
        .decide(question)
        .handle(
            (grants, failure) -> {
              if (failure != null) {
                throw refused(dialect, failure);
              }
              authorizePublish(exchange, grants, update);
              return update;
            });
  }

  /**
   * The grants of the request's token when it carries a valid one and the callback does not decide
   * every request; null otherwise, the callback deciding. A token that does not verify is not an
   * error here: the application may still know the caller.
   */
  private Grants validToken(Exchange exchange, Role role) {
    ProtocolDialect dialect = exchange.dialect();
    if (callback.decidesEveryRequest()) {
      return null;
    }
    TokenLookup.Found found;
    try {
      found = exchange.caller().token();
    } catch (HttpError notBearer) {
      return null; // an Authorization header of the application's own scheme: forwarded
    }
    if (found == null) {
      return null;
    }
    try {
      return dialect.verify(role, found.token());
    } catch (AuthException e) {
      return null;
    }
  }

  private AccessDecider.Question question(
      Exchange exchange, AccessDecider.Action action, List<String> topics) {
    HttpHeaders headers = exchange.headers();
    Map<String, String> cookies = new TreeMap<>();
    List<String> forwarded = callback.forwardedCookies();
    if (!forwarded.isEmpty()) {
      for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
        for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
          if (forwarded.contains(cookie.name())) {
            cookies.putIfAbsent(cookie.name(), cookie.value());
          }
        }
      }
    }
    return new AccessDecider.Question(
        action,
        topics,
        exchange.dialect().name(),
        cookies,
        headers.get(HttpHeaderNames.AUTHORIZATION),
        headers.get(HttpHeaderNames.ORIGIN),
        exchange.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
            ? inet.getAddress().getHostAddress()
            : null);
  }

  /** The callback's refusal in the protocol's terms: 401 and 403 with the dialect's challenge. */
  private static HttpError refused(ProtocolDialect dialect, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof CallbackRefusal refusal) {
      return switch (refusal.status()) {
        case 401 -> dialect.rejection(AuthFailure.MISSING, refusal.getMessage());
        case 403 -> dialect.rejection(AuthFailure.INSUFFICIENT, refusal.getMessage());
        default ->
            new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, refusal.getMessage())
                .withHeader(
                    HttpHeaderNames.RETRY_AFTER, Long.toString(refusal.retryAfterSeconds()));
      };
    }
    return HttpError.of(cause);
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
    return privateSelectors(exchange.dialect(), claims);
  }

  /**
   * The private selectors {@code claims} give, checked: an empty draft-07 selector makes the token
   * (or the callback's grant) invalid, answered in {@code dialect}'s terms.
   */
  static List<TopicSelector> privateSelectors(ProtocolDialect dialect, Grants claims) {
    try {
      return claims.privateSelectors();
    } catch (IllegalArgumentException e) {
      throw dialect.rejection(AuthFailure.INVALID, "token grants " + e.getMessage());
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
