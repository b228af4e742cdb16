package dev.herald.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the request's token in the order its dialect fixes (draft-07: the {@code Authorization:
 * Bearer} header, else the {@code authorization} query parameter, else the cookie). A source that
 * is present wins even if its content is bad, so a broken header is never silently replaced by a
 * cookie. Stateless; safe from any thread.
 */
final class TokenLookup {

  /** Where a token can be presented. */
  enum Source {
    HEADER("Authorization: Bearer <JWT>"),
    QUERY("the authorization query parameter"),
    COOKIE("the %s cookie");

    private final String description;

    Source(String description) {
      this.description = description;
    }
  }

  /** A token and where it came from (cookie tokens need a CSRF check on publish). */
  record Found(String token, Source source) {}

  /** Thrown for an Authorization header that is not a bearer token. */
  /** The query parameter a token may come in, where a dialect allows {@link Source#QUERY}. */
  static final String QUERY_PARAMETER = "authorization";

  static final class MalformedHeader extends RuntimeException {
    MalformedHeader(String message) {
      super(message, null, false, false);
    }
  }

  private TokenLookup() {}

  /** The token, or null when the request carries none in any of {@code sources}. */
  static Found find(
      List<Source> sources,
      HttpHeaders headers,
      Map<String, List<String>> query,
      String cookieName) {
    for (Source source : sources) {
      Found found =
          switch (source) {
            case HEADER -> fromHeader(headers);
            case QUERY -> fromQuery(query);
            case COOKIE -> fromCookie(headers, cookieName);
          };
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** The sources as a client reads them: "A, B, or C". */
  static String describe(List<Source> sources, String cookieName) {
    List<String> parts = new ArrayList<>(sources.size());
    for (Source source : sources) {
      parts.add(String.format(source.description, cookieName));
    }
    if (parts.size() <= 1) {
      return String.join("", parts);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1))
        + ", or "
        + parts.get(parts.size() - 1);
  }

  private static Found fromHeader(HttpHeaders headers) {
    String header = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (header == null) {
      return null;
    }
    if (header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new MalformedHeader(
          "Authorization header is not a bearer token (expected: Bearer <JWT>)");
    }
    return new Found(header.substring(7).trim(), Source.HEADER);
  }

  private static Found fromQuery(Map<String, List<String>> query) {
    List<String> values = query.get(QUERY_PARAMETER);
    return values == null || values.isEmpty() ? null : new Found(values.get(0), Source.QUERY);
  }

  private static Found fromCookie(HttpHeaders headers, String cookieName) {
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
