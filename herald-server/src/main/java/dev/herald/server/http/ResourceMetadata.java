package dev.herald.server.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RFC 9728 protected resource metadata of the hub, as draft-08 describes it, rendered once: the
 * resource identifier, the authorization servers, how tokens may be presented, the matcher types
 * and whether the subscriptions API is on. Immutable; safe from any thread.
 */
final class ResourceMetadata {

  /** Where RFC 9728 puts the document of the resource {@code /.well-known/mercure}. */
  static final String PATH = "/.well-known/oauth-protected-resource/.well-known/mercure";

  private final String json;
  private final String url;

  /**
   * @param authorizationServers issuers listed as authorization servers (omitted when empty:
   *     self-issued tokens need none)
   */
  ResourceMetadata(
      String resourceId,
      List<String> authorizationServers,
      String cookieName,
      List<String> matcherTypes,
      boolean subscriptions) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("resource", resourceId);
    if (!authorizationServers.isEmpty()) {
      document.put("authorization_servers", authorizationServers);
    }
    document.put("bearer_methods_supported", List.of("header"));
    document.put(
        "authorization_details_types_supported",
        List.of("https://mercure.rocks/authorization-detail"));
    document.put("mercure_cookie", cookieName);
    document.put("mercure_matcher_types_supported", matcherTypes);
    if (subscriptions) {
      document.put("mercure_subscriptions", true);
    }
    this.json = JSONObjectUtils.toJSONString(document);
    this.url = urlFor(resourceId);
  }

  /** The document, as {@code application/json}. */
  String json() {
    return json;
  }

  /** The absolute URL of the document, for the {@code resource_metadata} challenge parameter. */
  String url() {
    return url;
  }

  /**
   * RFC 9728 section 3.1: the well-known segment goes between the host and the resource's path, so
   * {@code https://hub.example/.well-known/mercure} has its metadata at {@code
   * https://hub.example/.well-known/oauth-protected-resource/.well-known/mercure}.
   */
  static String urlFor(String resourceId) {
    URI uri = URI.create(resourceId);
    String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath();
    return uri.getScheme()
        + "://"
        + uri.getRawAuthority()
        + "/.well-known/oauth-protected-resource"
        + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }
}
