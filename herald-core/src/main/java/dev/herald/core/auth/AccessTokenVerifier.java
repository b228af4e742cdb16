package dev.herald.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates draft-08 access tokens as RFC 9068 JWT access tokens, in the order the checks can fail
 * without trusting anything: a signed JWS (never {@code alg: none}, never JWE), header {@code typ}
 * {@code at+jwt}, {@code alg} on the allowlist, {@code iss} exactly one of the trusted issuers, the
 * signature verified with that issuer's keys only (chosen by {@code kid} among them; {@code jwk},
 * {@code jku}, {@code x5u} and {@code x5c} headers are never read), {@code exp} present and in the
 * future, {@code nbf} not in the future, {@code aud} containing the hub's resource identifier, then
 * the {@code authorization_details}, all or nothing.
 *
 * <p>Draft-07 tokens keep their own, unchanged rules in {@link TokenVerifier}; neither verifier
 * relaxes the other.
 *
 * <p>Thread-safety: immutable configuration plus a concurrent cache of verified tokens ({@link
 * VerifiedTokens}); one instance serves every thread, and {@link #verify} never blocks (JWK Sets
 * are refreshed on the {@link KeyRefresher}).
 */
public final class AccessTokenVerifier {

  /** Keys tried for one token when several of its issuer's keys fit and none has its kid. */
  private static final int MAX_CANDIDATES = 8;

  /** Distinct token headers whose {@code typ} answer is remembered. */
  private static final int HEADER_CACHE_CAPACITY = 256;

  /** Longer headers are not looked at: no real token header is this long. */
  private static final int MAX_HEADER_LENGTH = 4_096;

  private static final Map<String, Boolean> HEADER_TYPES = new ConcurrentHashMap<>();

  private final String resourceId;
  private final TrustedIssuers issuers;
  private final MatcherCompiler matchers;
  private final VerifiedTokens<Verified> verified;

  /** A verified token, and the key that verified it: dropped once its key set no longer has it. */
  private record Verified(
      AccessClaims claims, Instant notBefore, TrustedKey key, List<KeySource> sources)
      implements VerifiedTokens.Verified {

    @Override
    public Instant expiresAt() {
      return claims.expiresAt();
    }

    /**
     * A cached token stays good only while its issuer still publishes the very key that verified
     * it: a JWK Set refresh replaces the key objects, so the next use verifies afresh, and a key
     * removed from the set stops working at once.
     */
    @Override
    public boolean stillTrusted() {
      for (KeySource source : sources) {
        for (TrustedKey trusted : source.keys()) {
          if (trusted == key) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /**
   * @param resourceId the hub's resource identifier, which {@code aud} must contain
   * @param matchers compiles the {@code topics} of grants; its types are the supported ones
   */
  public AccessTokenVerifier(
      String resourceId, TrustedIssuers issuers, MatcherCompiler matchers, Clock clock) {
    this.resourceId = Objects.requireNonNull(resourceId, "resourceId");
    this.issuers = Objects.requireNonNull(issuers, "issuers");
    this.matchers = Objects.requireNonNull(matchers, "matchers");
    this.verified = new VerifiedTokens<>(Objects.requireNonNull(clock, "clock"));
  }

  public String resourceId() {
    return resourceId;
  }

  public TrustedIssuers issuers() {
    return issuers;
  }

  /**
   * Whether the compact JWS's header says {@code typ: at+jwt} (or {@code application/at+jwt}).
   * Reads the header only and verifies nothing: for choosing the protocol of a request.
   */
  public static boolean looksLikeAccessToken(String compactJws) {
    if (compactJws == null) {
      return false;
    }
    int dot = compactJws.indexOf('.');
    if (dot <= 0 || dot > MAX_HEADER_LENGTH) {
      return false;
    }
    // Tokens of one issuer share their header, so the answer is remembered per header: the
    // publish path then pays for no base64 or JSON work.
    String header = compactJws.substring(0, dot);
    Boolean known = HEADER_TYPES.get(header);
    if (known != null) {
      return known;
    }
    boolean accessToken;
    try {
      Object typ = JSONObjectUtils.parse(new Base64URL(header).decodeToString()).get("typ");
      accessToken = typ instanceof String type && isAccessTokenType(type);
    } catch (ParseException | RuntimeException e) {
      accessToken = false;
    }
    if (HEADER_TYPES.size() >= HEADER_CACHE_CAPACITY) {
      HEADER_TYPES.clear(); // bounded; the live headers come back at once
    }
    HEADER_TYPES.put(header, accessToken);
    return accessToken;
  }

  /**
   * Verifies {@code compactJws}.
   *
   * @throws AuthException saying which check failed (the HTTP layer answers 401 {@code
   *     invalid_token})
   */
  public AccessClaims verify(String compactJws) throws AuthException {
    return verified.verify(compactJws, this::verifyFully).claims();
  }

  private Verified verifyFully(String compactJws) throws AuthException {
    SignedJWT jwt = TokenVerifier.parseSigned(compactJws);
    JWSHeader header = jwt.getHeader();
    JOSEObjectType typ = header.getType();
    if (typ == null || !isAccessTokenType(typ.getType())) {
      throw new AuthException(
          "typ: "
              + (typ == null ? "missing" : typ.getType())
              + " (expected: at+jwt, an RFC 9068 access token)");
    }
    JWSAlgorithm alg = header.getAlgorithm();
    if (!Algorithms.ACCESS_TOKENS.contains(alg)) {
      throw new AuthException(
          "token algorithm "
              + alg
              + " not accepted (expected one of: "
              + Algorithms.names(Algorithms.ACCESS_TOKENS)
              + ")");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new AuthException("malformed token claims: " + e.getMessage(), e);
    }
    // Read before the signature is checked, but only to pick among keys the hub already trusts.
    Object iss = claims.getClaim("iss");
    if (!(iss instanceof String issuer)) {
      throw new AuthException(
          "iss: "
              + (iss == null ? "missing" : "not a string")
              + " (expected: the identifier of a trusted issuer)");
    }
    List<KeySource> sources = issuers.keysOf(issuer);
    if (sources == null) {
      throw new AuthException(
          "iss: "
              + issuer
              + " is not a trusted issuer (expected one of: "
              + issuers.issuers()
              + ")");
    }
    TrustedKey key = verifySignature(jwt, issuer, sources);
    Instant expiresAt = toInstant(claims.getExpirationTime());
    Instant notBefore = toInstant(claims.getNotBeforeTime());
    if (expiresAt == null) {
      throw new AuthException("exp: missing (expected: access tokens expire)");
    }
    verified.checkTimes(expiresAt, notBefore);
    checkAudience(claims.getClaim("aud"));
    List<Grant> grants =
        AuthorizationDetails.parse(claims.getClaim("authorization_details"), matchers);
    Object sub = claims.getClaim("sub");
    AccessClaims granted =
        new AccessClaims(issuer, sub instanceof String s ? s : null, expiresAt, grants);
    return new Verified(granted, notBefore, key, sources);
  }

  private TrustedKey verifySignature(SignedJWT jwt, String issuer, List<KeySource> sources)
      throws AuthException {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    String kid = jwt.getHeader().getKeyID();
    List<TrustedKey> all = new ArrayList<>();
    for (KeySource source : sources) {
      all.addAll(source.keys());
    }
    if (all.isEmpty()) {
      List<String> reasons = new ArrayList<>();
      for (KeySource source : sources) {
        reasons.add(source.unavailableReason());
      }
      throw new AuthException("no keys for issuer " + issuer + " yet: " + reasons);
    }
    List<TrustedKey> candidates = new ArrayList<>();
    if (kid != null) {
      for (TrustedKey key : all) {
        if (kid.equals(key.kid()) && key.accepts(alg)) {
          candidates.add(key);
        }
      }
      if (candidates.isEmpty()) {
        for (KeySource source : sources) {
          source.unknownKeyId(kid); // a rotation may have added it: refresh in the background
        }
      }
    }
    if (candidates.isEmpty()) {
      // Keys configured without a kid match any kid; with none given, every fitting key may.
      for (TrustedKey key : all) {
        if ((kid == null || key.kid() == null) && key.accepts(alg)) {
          candidates.add(key);
        }
      }
    }
    if (candidates.isEmpty()) {
      throw new AuthException(
          kid != null
              ? "kid: "
                  + kid
                  + " is not among the keys of issuer "
                  + issuer
                  + " accepting "
                  + alg
                  + " (a JWK Set is refreshed in the background, rate-limited)"
              : "no key of issuer " + issuer + " accepts " + alg);
    }
    for (TrustedKey key : candidates.subList(0, Math.min(candidates.size(), MAX_CANDIDATES))) {
      try {
        if (jwt.verify(key.verifier())) {
          return key;
        }
      } catch (JOSEException e) {
        // A key of the wrong size for this alg: try the next, report below if none verifies.
      }
    }
    throw new AuthException(
        jwt.getHeader().getCriticalParams() != null
            ? "token has critical header parameters the hub does not understand: "
                + jwt.getHeader().getCriticalParams()
            : "signature does not verify with the keys of issuer " + issuer);
  }

  private void checkAudience(Object aud) throws AuthException {
    boolean found =
        aud instanceof String single
            ? single.equals(resourceId)
            : aud instanceof List<?> list && list.contains(resourceId);
    if (!found) {
      throw new AuthException(
          "aud: "
              + (aud == null ? "missing" : aud)
              + " (expected: to contain the hub's resource identifier "
              + resourceId
              + ")");
    }
  }

  private static boolean isAccessTokenType(String typ) {
    String t = typ.toLowerCase(Locale.ROOT);
    return t.equals("at+jwt") || t.equals("application/at+jwt");
  }

  private static Instant toInstant(java.util.Date date) {
    return date == null ? null : date.toInstant();
  }
}
