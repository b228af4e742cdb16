package dev.herald.core.auth;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The draft-07 grants: the {@code mercure} claim's {@code publish} and {@code subscribe} topic
 * selectors and its {@code payload}; when that claim is absent, the same object under {@code
 * https://mercure.rocks/} (identity providers such as Auth0 only allow namespaced custom claims).
 * Stateless; safe from any thread.
 */
public final class MercureClaim implements ClaimsReader {

  public static final MercureClaim INSTANCE = new MercureClaim();

  /** The namespaced spelling of the {@code mercure} claim. */
  static final String NAMESPACED_CLAIM = "https://mercure.rocks/";

  private MercureClaim() {}

  @Override
  public Claims read(JWSHeader header, JWTClaimsSet claims, Instant expiresAt)
      throws AuthException {
    Object mercure = claims.getClaim("mercure");
    if (mercure == null) {
      mercure = claims.getClaim(NAMESPACED_CLAIM);
    }
    if (mercure == null) {
      return new Claims(List.of(), List.of(), null, expiresAt);
    }
    if (!(mercure instanceof Map<?, ?> map)) {
      throw new AuthException("mercure claim is not an object");
    }
    return new Claims(
        selectors(map, "publish"), selectors(map, "subscribe"), map.get("payload"), expiresAt);
  }

  private static List<String> selectors(Map<?, ?> mercure, String name) throws AuthException {
    Object value = mercure.get(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new AuthException("mercure." + name + " is not an array of topic selectors");
    }
    List<String> selectors = new ArrayList<>(list.size());
    for (Object selector : list) {
      if (!(selector instanceof String s)) {
        throw new AuthException("mercure." + name + " contains a non-string value: " + selector);
      }
      selectors.add(s);
    }
    return selectors;
  }
}
