package dev.herald.server;

import dev.herald.core.auth.JwksKeySource;
import dev.herald.core.auth.TrustedIssuers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Which Mercure protocol versions the hub speaks, and how it trusts the tokens of each beyond the
 * {@code --jwt-key} options: the draft-08 resource identifier, trusted issuers and cookie, and a
 * JWK Set for draft-07 tokens. Validated once; the issuers' key sources are built live by the
 * server (their JWK Sets need its refresher).
 *
 * @param versions {@code 07}, {@code 08} or both, chosen per request (see README)
 * @param resourceId the draft-08 resource identifier, the {@code aud} tokens must contain; null for
 *     the hub URL of the first listener, e.g. {@code http://localhost:3000/.well-known/mercure}
 * @param issuers {@code ISSUER=KEYSOURCE} entries (secret, PEM file or JWK Set URL)
 * @param accessCookieName the cookie a draft-08 access token may come in
 * @param jwtJwks a JWK Set URL for draft-07 tokens of both roles, or null
 *     <p>Thread-safety: immutable.
 */
public record ProtocolConfig(
    Versions versions,
    String resourceId,
    List<String> issuers,
    String accessCookieName,
    String jwtJwks) {

  /** The protocol versions a hub may speak. */
  public enum Versions {
    /** Only draft-07 (the {@code mercure} claim, {@code Last-Event-ID}). */
    DRAFT_07("07"),
    /** Only draft-08 (access tokens, {@code lastEventID}, URL patterns). */
    DRAFT_08("08"),
    /** Both, each request answered in the dialect it speaks. */
    BOTH("both");

    private final String label;

    Versions(String label) {
      this.label = label;
    }

    /** Whether draft-07 is spoken. */
    public boolean draft07() {
      return this != DRAFT_08;
    }

    /** Whether draft-08 is spoken. */
    public boolean draft08() {
      return this != DRAFT_07;
    }

    /** {@code 07}, {@code 08} or {@code both}. */
    public static Versions parse(String value) {
      for (Versions v : values()) {
        if (v.label.equals(value.trim().toLowerCase(Locale.ROOT))) {
          return v;
        }
      }
      throw new IllegalArgumentException("protocol: " + value + " (expected: 07, 08 or both)");
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** The cookie name draft-08 recommends. */
  public static final String ACCESS_COOKIE = "__Secure-mercure_access_token";

  /** Both drafts spoken, no draft-08 issuer: the values {@code herald serve} starts with. */
  public static final ProtocolConfig DEFAULTS =
      new ProtocolConfig(Versions.BOTH, null, List.of(), ACCESS_COOKIE, null);

  public ProtocolConfig {
    java.util.Objects.requireNonNull(versions, "versions");
    issuers = List.copyOf(issuers);
    if (resourceId != null) {
      checkResourceId(resourceId);
    }
    // Parsed once to report a bad entry now; the live sources are built at start.
    TrustedIssuers.parse(issuers, task -> {});
    if (accessCookieName == null || !accessCookieName.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new IllegalArgumentException(
          "access-cookie-name: "
              + accessCookieName
              + " (expected: a cookie name, e.g. "
              + ACCESS_COOKIE
              + ")");
    }
    if (jwtJwks != null) {
      JwksKeySource.checkUrl(jwtJwks);
    }
  }

  public ProtocolConfig withVersions(Versions v) {
    return new ProtocolConfig(v, resourceId, issuers, accessCookieName, jwtJwks);
  }

  public ProtocolConfig withResourceId(String id) {
    return new ProtocolConfig(versions, id, issuers, accessCookieName, jwtJwks);
  }

  public ProtocolConfig withIssuers(List<String> entries) {
    return new ProtocolConfig(versions, resourceId, entries, accessCookieName, jwtJwks);
  }

  public ProtocolConfig withAccessCookieName(String name) {
    return new ProtocolConfig(versions, resourceId, issuers, name, jwtJwks);
  }

  public ProtocolConfig withJwtJwks(String url) {
    return new ProtocolConfig(versions, resourceId, issuers, accessCookieName, url);
  }

  /** The resource identifier: the configured one, else the hub URL on {@code firstListener}. */
  public String resourceIdFor(String scheme, InetSocketAddress firstListener) {
    if (resourceId != null) {
      return resourceId;
    }
    String host =
        firstListener.getAddress() == null || firstListener.getAddress().isAnyLocalAddress()
            ? "localhost"
            : firstListener.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return scheme + "://" + host + ":" + firstListener.getPort() + "/.well-known/mercure";
  }

  private static void checkResourceId(String id) {
    try {
      URI uri = new URI(id);
      if (uri.isAbsolute() && uri.getFragment() == null && uri.getHost() != null) {
        return;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "resource-id: "
            + id
            + " (expected: an absolute URL without fragment, e.g."
            + " https://hub.example.com/.well-known/mercure)");
  }
}
