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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a compact JWS against one configured {@link JwtKey} and returns the grants its {@link
 * ClaimsReader} reads from it: the header algorithm must be exactly the configured one, the
 * signature must verify, and {@code exp}/{@code nbf} must hold at the injected clock's time (no
 * skew allowance).
 *
 * <p>Thread-safety: immutable; one instance serves all threads concurrently.
 */
public final class TokenVerifier {

  /** Verified tokens remembered at once; publishers and reconnecting browsers repeat theirs. */
  private static final int CACHE_CAPACITY = 4_096;

  private final JwtKey key;
  private final Clock clock;
  private final ClaimsReader grants;
  /**
   * Tokens whose signature and claims were already checked, so a publisher sending the same token
   * thousands of times a second pays for one verification. Only the time checks are redone.
   */
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private record Verified(Claims claims, Instant notBefore) {}

  /** A verifier reading the draft-07 {@code mercure} claim. */
  public TokenVerifier(JwtKey key, Clock clock) {
    this(key, clock, MercureClaim.INSTANCE);
  }

  /** A verifier whose grants are read by {@code grants} (one per protocol dialect). */
  public TokenVerifier(JwtKey key, Clock clock, ClaimsReader grants) {
    this.key = Objects.requireNonNull(key, "key");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.grants = Objects.requireNonNull(grants, "grants");
  }

  /**
   * Verifies {@code compactJws} and extracts its claims.
   *
   * @throws AuthException with a message saying what is wrong with the token
   */
  public Claims verify(String compactJws) throws AuthException {
    Verified known = verified.get(compactJws);
    if (known != null) {
      checkTimes(known.claims().expiresAt(), known.notBefore());
      return known.claims();
    }
    Verified checked = verifyFully(compactJws);
    if (verified.size() >= CACHE_CAPACITY) {
      verified.clear(); // crude but bounded; the next requests refill it with the live tokens
    }
    verified.put(compactJws, checked);
    return checked.claims();
  }

  private Verified verifyFully(String compactJws) throws AuthException {
    SignedJWT jwt = parseSigned(compactJws);
    // Compare before verifying: a verifier built for one family must never see another
    // family's algorithm (HS256 "signed" with an RSA public key is the classic confusion attack).
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (!key.algorithm().equals(alg)) {
      throw new AuthException(
          "token algorithm " + alg + " not accepted (expected: " + key.algorithm() + ")");
    }
    boolean valid;
    try {
      valid = jwt.verify(key.verifier());
    } catch (JOSEException e) {
      throw new AuthException("signature does not verify with the configured key: "
          + e.getMessage(), e);
    }
    if (!valid) {
      // Nimbus also answers false for unknown "crit" headers; say so rather than blame the key.
      throw new AuthException(jwt.getHeader().getCriticalParams() == null
          ? "signature does not verify with the configured key"
          : "token has critical header parameters the hub does not understand: "
              + jwt.getHeader().getCriticalParams());
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new AuthException("malformed token: " + e.getMessage(), e);
    }
    Instant expiresAt = toInstant(claims.getExpirationTime());
    Instant notBefore = toInstant(claims.getNotBeforeTime());
    checkTimes(expiresAt, notBefore);
    return new Verified(grants.read(jwt.getHeader(), claims, expiresAt), notBefore);
  }

  private void checkTimes(Instant expiresAt, Instant notBefore) throws AuthException {
    Instant now = clock.instant();
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      throw new AuthException("token expired at " + expiresAt + " (now: " + now + ")");
    }
    if (notBefore != null && now.isBefore(notBefore)) {
      throw new AuthException("token not valid before " + notBefore + " (now: " + now + ")");
    }
  }

  private static SignedJWT parseSigned(String compactJws) throws AuthException {
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
      throw new AuthException("malformed token: encrypted tokens (JWE) are not accepted"
          + " (expected: a signed JWS)");
    }
    return (SignedJWT) jwt;
  }

  private static Instant toInstant(Date date) {
    return date == null ? null : date.toInstant();
  }
}
