package dev.herald.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.List;
import java.util.Map;

/**
 * Finds the request's token in the order the protocol fixes: the {@code Authorization: Bearer}
 * header, else the {@code authorization} query parameter, else the cookie. A source that is
 * present wins even if its content is bad, so a broken header is never silently replaced by a
 * cookie. Stateless; safe from any thread.
 */
final class TokenLookup {

  enum Source {
    HEADER,
    QUERY,
    COOKIE
  }

  /** A token and where it came from (cookie tokens need a CSRF check on publish). */
  record Found(String token, Source source) {}

  /** Thrown for an Authorization header that is not a bearer token. */
  static final class MalformedHeader extends RuntimeException {
    MalformedHeader(String message) {
      super(message, null, false, false);
    }
  }

  private TokenLookup() {}

  /** The token, or null when the request carries none. */
  static Found find(HttpHeaders headers, Map<String, List<String>> query, String cookieName) {
    String header = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (header != null) {
      if (header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new MalformedHeader(
            "Authorization header is not a bearer token (expected: Bearer <JWT>)");
      }
      return new Found(header.substring(7).trim(), Source.HEADER);
    }
    List<String> fromQuery = query.get("authorization");
    if (fromQuery != null && !fromQuery.isEmpty()) {
      return new Found(fromQuery.get(0), Source.QUERY);
    }
    for (String cookieHeader : headers.getAll(HttpHeaderNames.COOKIE)) {
      for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(cookieHeader)) {
        if (cookie.name().equals(cookieName)) {
          return new Found(cookie.value(), Source.COOKIE);
        }
      }
    }
    return null;
  }
}
