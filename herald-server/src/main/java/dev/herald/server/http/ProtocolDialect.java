package dev.herald.server.http;

import dev.herald.core.PublishRules;
import dev.herald.core.auth.AuthException;
import dev.herald.core.auth.Grants;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.topic.TopicSelector;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * Everything that differs between versions of the Mercure protocol at the HTTP edge: how a
 * subscribe request names its selectors and its last event id, where tokens may come from and how
 * they are verified, which claims grant publishing and subscribing, which publish rules apply, how
 * authorization failures are answered and which response header carries the stream's last event id.
 * Handlers ask the dialect of the request ({@link Exchange#dialect()}); none of them asks which
 * version it serves.
 *
 * <p>Everything draft-specific lives with its dialect, here and nowhere else: core only calls the
 * {@code PublishRules} and {@code SubscriptionFormat} a dialect hands it. A new version is a new
 * implementation (usually over {@link DraftDialect}), its publish rules and its subscription
 * format, plus one line in {@link ProtocolDialects} and one in {@link SubscriptionFormats}.
 * Implementations are immutable (their verifiers cache, thread-safely) and safe from any thread.
 */
interface ProtocolDialect {

  /** What a subscribe request asks for: its topic selectors and where to resume (or null). */
  record SubscribeRequest(List<TopicSelector> selectors, String lastEventId) {}

  /** Why authorization failed; each dialect answers each with its own status and challenge. */
  enum AuthFailure {
    /** No token, and the operation needs one. */
    MISSING,
    /** The token's presentation is broken (e.g. an {@code Authorization} header not Bearer). */
    MALFORMED,
    /** A token was presented but does not verify (signature, expiry, claims). */
    INVALID,
    /** A valid token that does not grant the operation. */
    INSUFFICIENT
  }

  /** A short name for logs and metrics, e.g. {@code draft-07}. */
  String name();

  /**
   * Whether {@code query} uses a parameter name of this version's own (its selectors or its resume
   * point), which chooses this dialect when the hub speaks several.
   */
  boolean namedByQuery(Map<String, List<String>> query);

  /** The query parameter names this version reads, for the error when a query mixes versions. */
  String queryParameterNames();

  /**
   * The selectors and the last event id of a subscribe request.
   *
   * @throws HttpError 400 when the request names no selector
   */
  SubscribeRequest subscribeRequest(HttpHeaders headers, Map<String, List<String>> query);

  /**
   * Whether a bearer token is in this version's own format (draft-08's RFC 9068 access tokens), so
   * that a request presenting it speaks this version. Reads the token's header only; verifies
   * nothing.
   */
  boolean recognizesBearer(String token);

  /** Where a token may be presented, in order of precedence (the first present one wins). */
  List<TokenLookup.Source> tokenSources();

  /** The cookie a token may come in, for {@link TokenLookup.Source#COOKIE}. */
  String cookieName();

  /**
   * Verifies a presented token and reads what it grants.
   *
   * @throws AuthException saying why the token is not accepted (answered as {@link
   *     AuthFailure#INVALID})
   */
  Grants verify(Authorizer.Role role, String token) throws AuthException;

  /** How a publish request's form becomes an update. */
  PublishRules publishRules();

  /** The error a failed authorization answers: status, reason and challenge. */
  HttpError rejection(AuthFailure failure, String reason);

  /** The response header naming the last event id a stream starts after. */
  String lastEventIdHeader();

  /**
   * The shape of active subscriptions in this version: how the subscriptions of a subscriber
   * speaking it are announced and listed, and how the subscriptions API is read.
   */
  SubscriptionFormat subscriptionFormat();

  /**
   * The topics a subscriptions API request is authorized as: a token must grant subscribing to one
   * of them.
   *
   * @param requestUri the request target as sent, query included
   * @param rawPath its path alone
   */
  List<String> subscriptionsApiTopics(String requestUri, String rawPath);
}
