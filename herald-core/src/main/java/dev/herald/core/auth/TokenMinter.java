package dev.herald.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates HMAC-signed Mercure tokens for development tooling (the CLI's {@code token} command,
 * demo pages, tests). Production publishers mint their own tokens.
 *
 * <p>Thread-safety: stateless; call from any thread.
 */
public final class TokenMinter {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenMinter() {}

  /**
   * Signs a token carrying a {@code mercure} claim.
   *
   * @param key an HMAC key (HS256/384/512), e.g. {@code JwtKey.parse("HS256", secret)}
   * @param publish topic selectors for {@code mercure.publish}; null leaves the key out
   * @param subscribe topic selectors for {@code mercure.subscribe}; null leaves the key out
   * @param payload {@code mercure.payload}: a JSON-like value (Map, List, String, Number,
   *     Boolean) or null to leave it out
   * @param ttl lifetime from now, or null for a token without {@code exp}
   * @param clock gives {@code iat} and the base of {@code exp}
   * @throws IllegalArgumentException if the key is not an HMAC key or ttl is not positive
   */
  public static String mint(
      JwtKey key,
      List<String> publish,
      List<String> subscribe,
      Object payload,
      Duration ttl,
      Clock clock) {
    JWSAlgorithm alg = key.algorithm();
    if (!JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
      throw new IllegalArgumentException("jwt-alg: " + alg
          + " (expected one of: HS256, HS384, HS512; only HMAC tokens are minted)");
    }
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0, or none)");
    }
    Map<String, Object> mercure = new LinkedHashMap<>();
    if (publish != null) {
      mercure.put("publish", publish);
    }
    if (subscribe != null) {
      mercure.put("subscribe", subscribe);
    }
    if (payload != null) {
      mercure.put("payload", payload);
    }
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder().issueTime(Date.from(now)).claim("mercure", mercure);
    if (ttl != null) {
      claims.expirationTime(Date.from(now.plus(ttl)));
    }
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims.build());
    try {
      jwt.sign(new MACSigner(key.secret()));
    } catch (JOSEException e) {
      // JwtKey.parse already enforced the key length MACSigner checks.
      throw new IllegalStateException("cannot sign with " + key, e);
    }
    return jwt.serialize();
  }

  /**
   * A fresh secret for a development hub: 32 random bytes as URL-safe base64 without padding
   * (43 characters, i.e. 344 bits as UTF-8 key material). Long enough for HS256 only.
   */
  public static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
