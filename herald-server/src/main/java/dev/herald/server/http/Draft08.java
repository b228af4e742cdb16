package dev.herald.server.http;

import dev.herald.core.auth.AccessTokenVerifier;
import dev.herald.core.auth.AuthException;
import dev.herald.core.auth.Grants;
import dev.herald.core.topic.TopicSelector;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/**
 * Mercure draft-08: {@code match} / {@code match_<type>} matchers (the whole {@code match} prefix
 * reserved), the {@code Last-Event-ID} header or the {@code last_event_id} query parameter, RFC
 * 9068 access tokens from the {@code Authorization: Bearer} header or the access cookie (never the
 * query), grants in {@code authorization_details}, RFC 6750 challenges pointing at the RFC 9728
 * metadata document, the draft-08 publish rules ({@link Draft08PublishRules}), JSON active
 * subscriptions ({@link Draft08Subscriptions}) and {@code Mercure-Last-Event-ID} on the stream's
 * response.
 *
 * <p>The hub URL that URL patterns and the reserved namespace resolve against is the resource
 * identifier. Immutable; safe from any thread.
 */
final class Draft08 extends DraftDialect {

  /** The response field draft-08 defines for the cursor a stream starts after. */
  static final String LAST_EVENT_ID_HEADER = "Mercure-Last-Event-ID";

  /** Characters of one matcher value. */
  static final int MAX_MATCHER_LENGTH = 2_048;

  /** Characters of a reason repeated in a challenge's {@code error_description}. */
  private static final int MAX_DESCRIPTION = 200;

  private static final List<TokenLookup.Source> TOKEN_SOURCES =
      List.of(TokenLookup.Source.HEADER, TokenLookup.Source.COOKIE);

  private final AccessTokenVerifier verifier;
  private final ResourceMetadata metadata;
  private final int maxMatchers;

  Draft08(
      AccessTokenVerifier verifier, ResourceMetadata metadata, String cookieName, int maxMatchers) {
    super(
        "draft-08",
        TOKEN_SOURCES,
        cookieName,
        new Draft08PublishRules(verifier.resourceId()),
        Draft08Subscriptions.INSTANCE,
        LAST_EVENT_ID_HEADER);
    this.verifier = verifier;
    this.metadata = metadata;
    this.maxMatchers = maxMatchers;
  }

  ResourceMetadata metadata() {
    return metadata;
  }

  @Override
  public boolean namedByQuery(Map<String, List<String>> query) {
    return Draft08Query.speaksDraft08(query);
  }

  @Override
  public String queryParameterNames() {
    return "match, match_<type>, " + Draft08Query.LAST_EVENT_ID;
  }

  /** An RFC 9068 access token: {@code typ} {@code at+jwt} in its header. */
  @Override
  public boolean recognizesBearer(String token) {
    return AccessTokenVerifier.looksLikeAccessToken(token);
  }

  @Override
  public SubscribeRequest subscribeRequest(HttpHeaders headers, Map<String, List<String>> query) {
    List<Draft08Query.Matcher> matchers;
    try {
      matchers =
          Draft08Query.matchers(
              query, TopicSelector.MATCHER_TYPES, maxMatchers, MAX_MATCHER_LENGTH);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    return new SubscribeRequest(
        selectors(
            matchers,
            matcher ->
                TopicSelector.matcher(matcher.type(), matcher.value(), verifier.resourceId())),
        Draft08Query.lastEventId(headers, query));
  }

  /** One verifier for both roles: what a token may do is in its grants' actions. */
  @Override
  public Grants verify(Authorizer.Role role, String token) throws AuthException {
    return verifier.verify(token);
  }

  @Override
  public HttpError rejection(AuthFailure failure, String reason) {
    return switch (failure) {
      // RFC 6750 3.1: a request without any token gets no error code, just the way to one.
      case MISSING ->
          challenged(
              new HttpError(HttpResponseStatus.UNAUTHORIZED, reason),
              "resource_metadata=\"" + metadata.url() + "\"");
      case MALFORMED -> challenge(HttpResponseStatus.BAD_REQUEST, "invalid_request", reason);
      case INVALID -> challenge(HttpResponseStatus.UNAUTHORIZED, "invalid_token", reason);
      case INSUFFICIENT -> challenge(HttpResponseStatus.FORBIDDEN, "insufficient_scope", reason);
    };
  }

  /** The requested URL's absolute path: "any query component ... is not part of the topic". */
  @Override
  public List<String> subscriptionsApiTopics(String requestUri, String rawPath) {
    return List.of(rawPath);
  }

  private HttpError challenge(HttpResponseStatus status, String error, String reason) {
    HttpError rejected = new HttpError(status, reason);
    // error_description is a quoted-string of printable ASCII: the reason is made to fit, and
    // cut short, since it may quote a token's claims (the body keeps the whole reason).
    String oneLine = rejected.reason();
    String description =
        (oneLine.length() > MAX_DESCRIPTION
                ? oneLine.substring(0, MAX_DESCRIPTION) + "..."
                : oneLine)
            .replace("\\", "/")
            .replace('"', '\'')
            .replaceAll("[^\\x20-\\x7E]", "?");
    return challenged(
        rejected,
        "error=\""
            + error
            + "\", error_description=\""
            + description
            + "\", resource_metadata=\""
            + metadata.url()
            + "\"");
  }
}
