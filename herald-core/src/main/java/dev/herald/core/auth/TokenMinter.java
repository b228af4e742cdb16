package dev.herald.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
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
 * Creates Mercure tokens for development tooling (the CLI's {@code token} command, demo pages,
 * tests): draft-07 tokens with a {@code mercure} claim, and draft-08 RFC 9068 access tokens with
 * {@code authorization_details}, signed with an HMAC secret or an RSA/EC private key. Production
 * publishers mint their own tokens.
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
   * @param payload {@code mercure.payload}: a JSON-like value (Map, List, String, Number, Boolean)
   *     or null to leave it out
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
      throw new IllegalArgumentException(
          "jwt-alg: "
              + alg
              + " (expected one of: HS256, HS384, HS512; only HMAC tokens are minted from a"
              + " verification key; sign with a private key instead)");
    }
    return mint(SigningKey.of(key), publish, subscribe, payload, ttl, clock);
  }

  /** {@link #mint(JwtKey, List, List, Object, Duration, Clock)} with any signing key. */
  public static String mint(
      SigningKey key,
      List<String> publish,
      List<String> subscribe,
      Object payload,
      Duration ttl,
      Clock clock) {
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
    return sign(key, JOSEObjectType.JWT, claims.build());
  }

  /**
   * What a draft-08 access token grants and to whom; see {@link #mintAccessToken}.
   *
   * @param issuer the {@code iss} claim: an issuer the hub trusts
   * @param audience the {@code aud} claim: the hub's resource identifier
   * @param subject the {@code sub} claim, or null
   * @param publish the topics the token may publish to
   * @param subscribe the topics the token may subscribe to
   * @param payload the subscription payload ({@code payload} of each grant), or null
   * @param ttl how long the token lives from now, or null for no {@code exp}
   */
  public record AccessTokenRequest(
      String issuer,
      String audience,
      String subject,
      List<TopicGrant> publish,
      List<TopicGrant> subscribe,
      Object payload,
      Duration ttl) {}

  /**
   * One {@code topics} entry of an access token's grant.
   *
   * @param match the topic or pattern
   * @param matchType its {@code match_type} (e.g. {@code exact}, {@code urlpattern}), or null to
   *     omit it
   */
  public record TopicGrant(String match, String matchType) {}

  /**
   * Signs an RFC 9068 access token ({@code typ: at+jwt}) with every claim that profile requires
   * issuers to set ({@code iss}, {@code exp}, {@code aud}, {@code sub}, {@code client_id}, {@code
   * iat}, {@code jti}) and one Mercure authorization detail per non-empty action: {@code publish}
   * on the publish topics, {@code subscribe} on the subscribe topics (carrying the payload).
   *
   * @throws IllegalArgumentException if issuer or audience is missing, or ttl is not positive
   */
  public static String mintAccessToken(SigningKey key, AccessTokenRequest request, Clock clock) {
    if (request.issuer() == null || request.issuer().isEmpty()) {
      throw new IllegalArgumentException("issuer: missing (expected: the iss the hub trusts)");
    }
    if (request.audience() == null || request.audience().isEmpty()) {
      throw new IllegalArgumentException(
          "audience: missing (expected: the hub's resource identifier)");
    }
    Duration ttl = request.ttl();
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0; access tokens expire)");
    }
    List<Map<String, Object>> details = new java.util.ArrayList<>();
    if (request.publish() != null && !request.publish().isEmpty()) {
      details.add(detail("publish", request.publish(), null));
    }
    if (request.subscribe() != null && !request.subscribe().isEmpty()) {
      details.add(detail("subscribe", request.subscribe(), request.payload()));
    }
    Instant now = clock.instant();
    String subject =
        request.subject() != null ? request.subject() : "urn:uuid:" + java.util.UUID.randomUUID();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(request.issuer())
            .audience(request.audience())
            .subject(subject)
            .claim("client_id", request.issuer())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .jwtID("urn:uuid:" + java.util.UUID.randomUUID())
            .claim("authorization_details", details)
            .build();
    return sign(key, new JOSEObjectType("at+jwt"), claims);
  }

  private static Map<String, Object> detail(
      String action, List<TopicGrant> topics, Object payload) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("type", "https://mercure.rocks/authorization-detail");
    detail.put("actions", List.of(action));
    List<Map<String, Object>> matchers = new java.util.ArrayList<>();
    for (TopicGrant topic : topics) {
      Map<String, Object> matcher = new LinkedHashMap<>();
      matcher.put("match", topic.match());
      if (topic.matchType() != null) {
        matcher.put("match_type", topic.matchType());
      }
      matchers.add(matcher);
    }
    detail.put("topics", matchers);
    if (payload != null) {
      detail.put("payload", payload);
    }
    return detail;
  }

  private static String sign(SigningKey key, JOSEObjectType type, JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(key.algorithm()).type(type).build(), claims);
    try {
      jwt.sign(key.signer());
    } catch (JOSEException e) {
      // The key and algorithm were matched when the SigningKey was built.
      throw new IllegalStateException("cannot sign with " + key, e);
    }
    return jwt.serialize();
  }

  /**
   * A fresh secret for a development hub: 32 random bytes as URL-safe base64 without padding (43
   * characters, i.e. 344 bits as UTF-8 key material). Long enough for HS256 only.
   */
  public static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
