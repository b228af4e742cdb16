package dev.herald.core.topic.urlpattern;

import dev.herald.core.topic.urlpattern.WhatwgUrl.EncodeSet;
import dev.herald.core.topic.urlpattern.WhatwgUrl.State;
import java.util.ArrayList;
import java.util.Locale;

/**
 * The URL Pattern standard's encoding callbacks: each canonicalizes one piece of fixed text of one
 * component the way the URL parser would, or rejects it.
 *
 * <p>Stateless; safe from any thread.
 */
final class Canonicalize {

  private Canonicalize() {}

  static String protocol(String value) {
    if (value.isEmpty()) {
      return value;
    }
    return WhatwgUrl.parse(value + "://dummy.invalid/", (WhatwgUrl) null)
        .map(WhatwgUrl::scheme)
        .orElseThrow(() -> invalid("protocol", value));
  }

  static String username(String value) {
    return WhatwgUrl.percentEncode(value, EncodeSet.USERINFO);
  }

  static String password(String value) {
    return WhatwgUrl.percentEncode(value, EncodeSet.USERINFO);
  }

  static String hostname(String value) {
    if (value.isEmpty()) {
      return value;
    }
    WhatwgUrl url = WhatwgUrl.dummy();
    if (!WhatwgUrl.parseWithOverride(value, url, State.HOSTNAME)) {
      throw invalid("hostname", value);
    }
    return url.hostname();
  }

  static String ipv6Hostname(String value) {
    StringBuilder result = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.digit(c, 16) < 0 && c != '[' && c != ']' && c != ':' || c > 0x7F) {
        throw invalid("IPv6 hostname", value);
      }
      result.append(Character.toLowerCase(c));
    }
    return result.toString();
  }

  static String port(String value, String protocol) {
    if (value.isEmpty()) {
      return value;
    }
    WhatwgUrl url = WhatwgUrl.dummy();
    if (protocol != null) {
      url.scheme = protocol;
    }
    if (!WhatwgUrl.parseWithOverride(value, url, State.PORT)) {
      throw invalid("port", value);
    }
    return url.port();
  }

  static String pathname(String value) {
    if (value.isEmpty()) {
      return value;
    }
    boolean leadingSlash = value.charAt(0) == '/';
    String modified = (leadingSlash ? "" : "/-") + value;
    WhatwgUrl url = WhatwgUrl.dummy();
    url.path = new ArrayList<>();
    WhatwgUrl.parseWithOverride(modified, url, State.PATH_START);
    String result = url.pathname();
    return leadingSlash ? result : result.substring(2);
  }

  static String opaquePathname(String value) {
    if (value.isEmpty()) {
      return value;
    }
    WhatwgUrl url = WhatwgUrl.dummy();
    url.opaquePath = "";
    if (!WhatwgUrl.parseWithOverride(value, url, State.OPAQUE_PATH)) {
      throw invalid("pathname", value);
    }
    return url.pathname();
  }

  static String search(String value) {
    if (value.isEmpty()) {
      return value;
    }
    WhatwgUrl url = WhatwgUrl.dummy();
    url.query = "";
    WhatwgUrl.parseWithOverride(value, url, State.QUERY);
    return url.search();
  }

  static String hash(String value) {
    if (value.isEmpty()) {
      return value;
    }
    WhatwgUrl url = WhatwgUrl.dummy();
    url.fragment = "";
    WhatwgUrl.parseWithOverride(value, url, State.FRAGMENT);
    return url.hash();
  }

  private static UrlPatternException invalid(String component, String value) {
    return new UrlPatternException(
        String.format(
            Locale.ROOT,
            "invalid %s \"%s\" (expected: one the URL parser accepts)",
            component,
            value));
  }
}
