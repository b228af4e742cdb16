package dev.herald.server.http;

import dev.herald.core.auth.ClaimsReader;
import dev.herald.core.auth.MercureClaim;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/**
 * Mercure draft-07: {@code topic} query parameters, the {@code Last-Event-ID} header or the
 * {@code lastEventID} query parameter, tokens from the {@code Authorization: Bearer} header, the
 * {@code authorization} query parameter or the cookie, grants in the {@code mercure} claim, and
 * {@code Last-Event-ID} on the stream's response. Stateless; safe from any thread.
 */
final class Draft07 implements ProtocolDialect {

  static final Draft07 INSTANCE = new Draft07();

  private static final List<TokenLookup.Source> TOKEN_SOURCES =
      List.of(TokenLookup.Source.HEADER, TokenLookup.Source.QUERY, TokenLookup.Source.COOKIE);

  private Draft07() {}

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
    return new SubscribeRequest(topics, lastEventId);
  }

  @Override
  public List<TokenLookup.Source> tokenSources() {
    return TOKEN_SOURCES;
  }

  @Override
  public ClaimsReader grants() {
    return MercureClaim.INSTANCE;
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
  public String lastEventIdHeader() {
    return "Last-Event-ID";
  }

  private static HttpError unauthorized(String reason, String error) {
    HttpError unauthorized = new HttpError(HttpResponseStatus.UNAUTHORIZED, reason);
    return unauthorized.withHeader(HttpHeaderNames.WWW_AUTHENTICATE,
        "Bearer realm=\"mercure\", error=\"" + error + "\", error_description=\""
            + unauthorized.reason().replace("\"", "'") + "\"");
  }
}
