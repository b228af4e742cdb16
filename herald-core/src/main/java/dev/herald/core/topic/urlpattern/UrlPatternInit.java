package dev.herald.core.topic.urlpattern;

/**
 * The components of a pattern or of a URL to match, each null when not given ({@code
 * URLPatternInit} in the standard).
 *
 * <p>Immutable; safe from any thread.
 */
record UrlPatternInit(
    String protocol,
    String username,
    String password,
    String hostname,
    String port,
    String pathname,
    String search,
    String hash,
    String baseUrl) {

  static final UrlPatternInit EMPTY =
      new UrlPatternInit(null, null, null, null, null, null, null, null, null);

  String get(String component) {
    return switch (component) {
      case "protocol" -> protocol;
      case "username" -> username;
      case "password" -> password;
      case "hostname" -> hostname;
      case "port" -> port;
      case "pathname" -> pathname;
      case "search" -> search;
      case "hash" -> hash;
      case "baseURL" -> baseUrl;
      default -> throw new IllegalArgumentException(component);
    };
  }

  UrlPatternInit with(String component, String value) {
    return new UrlPatternInit(
        component.equals("protocol") ? value : protocol,
        component.equals("username") ? value : username,
        component.equals("password") ? value : password,
        component.equals("hostname") ? value : hostname,
        component.equals("port") ? value : port,
        component.equals("pathname") ? value : pathname,
        component.equals("search") ? value : search,
        component.equals("hash") ? value : hash,
        component.equals("baseURL") ? value : baseUrl);
  }

  UrlPatternInit scalarValues() {
    return new UrlPatternInit(
        WhatwgUrl.scalarValues(protocol),
        WhatwgUrl.scalarValues(username),
        WhatwgUrl.scalarValues(password),
        WhatwgUrl.scalarValues(hostname),
        WhatwgUrl.scalarValues(port),
        WhatwgUrl.scalarValues(pathname),
        WhatwgUrl.scalarValues(search),
        WhatwgUrl.scalarValues(hash),
        WhatwgUrl.scalarValues(baseUrl));
  }

  boolean has(String component) {
    return get(component) != null;
  }
}
