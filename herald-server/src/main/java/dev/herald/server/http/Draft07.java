package dev.herald.server.http;

import dev.herald.core.PublishRules;
import dev.herald.core.auth.AuthException;
import dev.herald.core.auth.Grants;
import dev.herald.core.auth.TokenVerifier;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.topic.TopicSelector;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/**
 * Mercure draft-07: {@code topic} query parameters, the {@code Last-Event-ID} header or the {@code
 * lastEventID} query parameter, tokens from the {@code Authorization: Bearer} header, the {@code
 * authorization} query parameter or the cookie, grants in the {@code mercure} claim, and {@code
 * Last-Event-ID} on the stream's response. Immutable; safe from any thread.
 */
final class Draft07 implements ProtocolDialect {

  private static final List<TokenLookup.Source> TOKEN_SOURCES =
      List.of(TokenLookup.Source.HEADER, TokenLookup.Source.QUERY, TokenLookup.Source.COOKIE);

  /** Null when the hub has no key for the role. */
  private final TokenVerifier publisherVerifier;

  private final TokenVerifier subscriberVerifier;
  private final String cookieName;

  /**
   * @param publisherVerifier verifies publishers' tokens; null: nobody may publish
   * @param subscriberVerifier verifies subscribers' tokens; null: only anonymous subscribers
   */
  Draft07(TokenVerifier publisherVerifier, TokenVerifier subscriberVerifier, String cookieName) {
    this.publisherVerifier = publisherVerifier;
    this.subscriberVerifier = subscriberVerifier;
    this.cookieName = cookieName;
  }

  @Override
  public String name() {
    return "draft-07";
  }

  @Override
  public SubscribeRequest subscribeRequest(HttpHeaders headers, Map<String, List<String>> query) {
    List<String> topics = query.getOrDefault("topic", List.of());
    if (topics.isEmpty()) {
      throw HttpError.badRequest("topic: missing (expected: at least one topic query parameter)");
    }
    String lastEventId = headers.get("Last-Event-ID");
    if (lastEventId == null) {
      List<String> values = query.get("lastEventID");
      lastEventId = values == null || values.isEmpty() ? null : values.get(0);
    }
    List<TopicSelector> selectors = new java.util.ArrayList<>(topics.size());
    for (String topic : topics) {
      try {
        selectors.add(TopicSelector.of(topic));
      } catch (IllegalArgumentException e) {
        throw HttpError.badRequest(e.getMessage());
      }
    }
    return new SubscribeRequest(selectors, lastEventId);
  }

  @Override
  public List<TokenLookup.Source> tokenSources() {
    return TOKEN_SOURCES;
  }

  @Override
  public String cookieName() {
    return cookieName;
  }

  @Override
  public Grants verify(Authorizer.Role role, String token) throws AuthException {
    TokenVerifier verifier =
        role == Authorizer.Role.PUBLISHER ? publisherVerifier : subscriberVerifier;
    if (verifier == null) {
      throw new AuthException(
          role.label()
              + " tokens are not accepted: the hub has no "
              + role.label()
              + " key (start it with --"
              + role.label()
              + "-jwt-key or --jwt-key)");
    }
    return verifier.verify(token);
  }

  @Override
  public PublishRules publishRules() {
    return PublishRules.draft07();
  }

  @Override
  public HttpError rejection(AuthFailure failure, String reason) {
    return switch (failure) {
      case MISSING, MALFORMED -> unauthorized(reason, "invalid_request");
      case INVALID -> unauthorized(reason, "invalid_token");
      // Draft-07 asks for no challenge on 403.
      case INSUFFICIENT -> HttpError.forbidden(reason);
    };
  }

  @Override
  public SubscriptionFormat subscriptionFormat() {
    return SubscriptionFormat.DRAFT_07;
  }

  /** Draft-07 names the requested URL; Mercure's hub matched it with and without the query. */
  @Override
  public List<String> subscriptionsApiTopics(String requestUri, String rawPath) {
    return List.of(requestUri, rawPath);
  }

  @Override
  public String lastEventIdHeader() {
    return "Last-Event-ID";
  }

  private static HttpError unauthorized(String reason, String error) {
    HttpError unauthorized = new HttpError(HttpResponseStatus.UNAUTHORIZED, reason);
    return unauthorized.withHeader(
        HttpHeaderNames.WWW_AUTHENTICATE,
        "Bearer realm=\"mercure\", error=\""
            + error
            + "\", error_description=\""
            + unauthorized.reason().replace("\"", "'")
            + "\"");
  }
}
