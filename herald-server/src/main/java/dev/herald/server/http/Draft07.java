package dev.herald.server.http;

import dev.herald.core.PublishRules;
import dev.herald.core.Update;
import dev.herald.core.auth.AuthException;
import dev.herald.core.auth.Grants;
import dev.herald.core.auth.TokenVerifier;
import dev.herald.core.topic.TopicSelector;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/**
 * Mercure draft-07: {@code topic} query parameters, the {@code Last-Event-ID} header or the {@code
 * lastEventID} query parameter, tokens from the {@code Authorization: Bearer} header, the {@code
 * authorization} query parameter or the cookie, grants in the {@code mercure} claim, {@link
 * Update}'s own publish rules, JSON-LD active subscriptions ({@link Draft07Subscriptions}) and
 * {@code Last-Event-ID} on the stream's response. Immutable; safe from any thread.
 */
final class Draft07 extends DraftDialect {

  /** The query parameter of the selectors. */
  private static final String TOPIC = "topic";

  /** The query parameter of the resume point, for clients that cannot set the header. */
  private static final String LAST_EVENT_ID_PARAMETER = "lastEventID";

  /** The request header of the resume point, which the stream's response carries too. */
  private static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";

  private static final List<TokenLookup.Source> TOKEN_SOURCES =
      List.of(TokenLookup.Source.HEADER, TokenLookup.Source.QUERY, TokenLookup.Source.COOKIE);

  /** Draft-07 adds nothing to what {@link Update} itself requires of a publish. */
  static final PublishRules PUBLISH_RULES =
      new PublishRules() {
        @Override
        public Update toUpdate(Map<String, List<String>> form) {
          return Update.fromForm(form);
        }

        @Override
        public String toString() {
          return "draft-07 publish rules";
        }
      };

  /** Null when the hub has no key for the role. */
  private final TokenVerifier publisherVerifier;

  private final TokenVerifier subscriberVerifier;

  /**
   * @param publisherVerifier verifies publishers' tokens; null: nobody may publish
   * @param subscriberVerifier verifies subscribers' tokens; null: only anonymous subscribers
   */
  Draft07(TokenVerifier publisherVerifier, TokenVerifier subscriberVerifier, String cookieName) {
    super(
        "draft-07",
        TOKEN_SOURCES,
        cookieName,
        PUBLISH_RULES,
        Draft07Subscriptions.INSTANCE,
        LAST_EVENT_ID_HEADER);
    this.publisherVerifier = publisherVerifier;
    this.subscriberVerifier = subscriberVerifier;
  }

  @Override
  public boolean namedByQuery(Map<String, List<String>> query) {
    return query.containsKey(TOPIC) || query.containsKey(LAST_EVENT_ID_PARAMETER);
  }

  @Override
  public String queryParameterNames() {
    return TOPIC + ", " + LAST_EVENT_ID_PARAMETER;
  }

  /** Draft-07 tokens bear no mark of their own: a bearer token no other dialect claims is 07's. */
  @Override
  public boolean recognizesBearer(String token) {
    return false;
  }

  @Override
  public SubscribeRequest subscribeRequest(HttpHeaders headers, Map<String, List<String>> query) {
    List<String> topics = query.getOrDefault(TOPIC, List.of());
    if (topics.isEmpty()) {
      throw HttpError.badRequest("topic: missing (expected: at least one topic query parameter)");
    }
    String lastEventId = headers.get(LAST_EVENT_ID_HEADER);
    if (lastEventId == null) {
      List<String> values = query.get(LAST_EVENT_ID_PARAMETER);
      lastEventId = values == null || values.isEmpty() ? null : values.get(0);
    }
    return new SubscribeRequest(selectors(topics, TopicSelector::of), lastEventId);
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
  public HttpError rejection(AuthFailure failure, String reason) {
    return switch (failure) {
      case MISSING, MALFORMED -> unauthorized(reason, "invalid_request");
      case INVALID -> unauthorized(reason, "invalid_token");
      // Draft-07 asks for no challenge on 403.
      case INSUFFICIENT -> HttpError.forbidden(reason);
    };
  }

  /** Draft-07 names the requested URL; Mercure's hub matched it with and without the query. */
  @Override
  public List<String> subscriptionsApiTopics(String requestUri, String rawPath) {
    return List.of(requestUri, rawPath);
  }

  private static HttpError unauthorized(String reason, String error) {
    HttpError unauthorized = new HttpError(HttpResponseStatus.UNAUTHORIZED, reason);
    return challenged(
        unauthorized,
        "realm=\"mercure\", error=\""
            + error
            + "\", error_description=\""
            + unauthorized.reason().replace("\"", "'")
            + "\"");
  }
}
