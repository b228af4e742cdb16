package dev.herald.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Checks a draft-07 compact JWS and returns the grants its {@link ClaimsReader} reads from it: the
 * header algorithm must be one the key accepts (exactly the configured one for {@code --jwt-key};
 * for a JWK Set key, its own {@code alg}, else its key type's), the signature must verify, and
 * {@code exp}/{@code nbf} must hold at the injected clock's time (no skew allowance).
 *
 * <p>Thread-safety: immutable configuration plus a concurrent cache of verified tokens ({@link
 * VerifiedTokens}); one instance serves all threads concurrently and never blocks.
 */
public final class TokenVerifier {

  private final KeySource keys;
  private final ClaimsReader grants;
  private final VerifiedTokens<Verified> verified;

  /** A verified token, and the key that verified it: dropped once {@code keys} no longer has it. */
  private record Verified(Claims claims, Instant notBefore, TrustedKey key, KeySource keys)
      implements VerifiedTokens.Verified {

    @Override
    public Instant expiresAt() {
      return claims.expiresAt();
    }

    @Override
    public boolean stillTrusted() {
      return keys.keys().contains(key);
    }
  }

  /** A verifier reading the draft-07 {@code mercure} claim. */
  public TokenVerifier(JwtKey key, Clock clock) {
    this(KeySource.of(Objects.requireNonNull(key, "key")), clock, MercureClaim.INSTANCE);
  }

  /** A verifier whose grants are read by {@code grants} (one per protocol dialect). */
  public TokenVerifier(JwtKey key, Clock clock, ClaimsReader grants) {
    this(KeySource.of(Objects.requireNonNull(key, "key")), clock, grants);
  }

  /** A draft-07 verifier with keys from a JWK Set ({@code --jwt-jwks}) or any other source. */
  public TokenVerifier(KeySource keys, Clock clock) {
    this(keys, clock, MercureClaim.INSTANCE);
  }

  /** With keys from any source, grants read by {@code grants}. */
  public TokenVerifier(KeySource keys, Clock clock, ClaimsReader grants) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.verified = new VerifiedTokens<>(Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Verifies {@code compactJws} and extracts its claims.
   *
   * @throws AuthException with a message saying what is wrong with the token
   */
  public Claims verify(String compactJws) throws AuthException {
    return verified.verify(compactJws, this::verifyFully).claims();
  }

  private Verified verifyFully(String compactJws) throws AuthException {
    SignedJWT jwt = parseSigned(compactJws);
    TrustedKey key = verifySignature(jwt);
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new AuthException("malformed token: " + e.getMessage(), e);
    }
    Instant expiresAt = toInstant(claims.getExpirationTime());
    Instant notBefore = toInstant(claims.getNotBeforeTime());
    verified.checkTimes(expiresAt, notBefore);
    return new Verified(grants.read(jwt.getHeader(), claims, expiresAt), notBefore, key, keys);
  }

  private TrustedKey verifySignature(SignedJWT jwt) throws AuthException {
    List<TrustedKey> all = keys.keys();
    if (all.isEmpty()) {
      throw new AuthException("no keys to verify tokens with: " + keys.unavailableReason());
    }
    // Compare before verifying: a verifier built for one family must never see another
    // family's algorithm (HS256 "signed" with an RSA public key is the classic confusion attack).
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    List<TrustedKey> fitting = all.stream().filter(k -> k.accepts(alg)).toList();
    if (fitting.isEmpty()) {
      throw new AuthException(
          "token algorithm "
              + alg
              + " not accepted (expected: "
              + all.stream()
                  .map(TrustedKey::algorithmNames)
                  .distinct()
                  .collect(java.util.stream.Collectors.joining(" or "))
              + ")");
    }
    String kid = jwt.getHeader().getKeyID();
    List<TrustedKey> candidates = fitting;
    if (kid != null) {
      List<TrustedKey> named = fitting.stream().filter(k -> kid.equals(k.kid())).toList();
      if (named.isEmpty()) {
        keys.unknownKeyId(kid); // a rotation may have added it: refresh in the background
        candidates = fitting.stream().filter(k -> k.kid() == null).toList();
        if (candidates.isEmpty()) {
          throw new AuthException(
              "kid: "
                  + kid
                  + " is not among the keys of "
                  + keys.describe()
                  + " (it is refreshed in the background, rate-limited)");
        }
      } else {
        candidates = named;
      }
    }
    for (TrustedKey key : candidates.subList(0, Math.min(candidates.size(), 8))) {
      try {
        if (jwt.verify(key.verifier())) {
          return key;
        }
      } catch (JOSEException e) {
        if (candidates.size() == 1) {
          throw new AuthException(
              "signature does not verify with the configured key: " + e.getMessage(), e);
        }
      }
    }
    // Nimbus also answers false for unknown "crit" headers; say so rather than blame the key.
    throw new AuthException(
        jwt.getHeader().getCriticalParams() == null
            ? "signature does not verify with the configured key"
            : "token has critical header parameters the hub does not understand: "
                + jwt.getHeader().getCriticalParams());
  }

  static SignedJWT parseSigned(String compactJws) throws AuthException {
    if (compactJws == null || compactJws.isEmpty()) {
      throw new AuthException("malformed token: empty");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(compactJws);
    } catch (ParseException e) {
      throw new AuthException("malformed token: " + e.getMessage(), e);
    }
    if (jwt instanceof PlainJWT) {
      throw new AuthException("unsigned tokens (alg: none) are rejected");
    }
    if (jwt instanceof EncryptedJWT) {
      throw new AuthException(
          "malformed token: encrypted tokens (JWE) are not accepted" + " (expected: a signed JWS)");
    }
    return (SignedJWT) jwt;
  }

  private static Instant toInstant(Date date) {
    return date == null ? null : date.toInstant();
  }
}
