package dev.herald.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One key the hub trusts, bound to the algorithms it may verify: those its key type allows (RSA:
 * RS/PS, EC: the ES algorithm of its curve, HMAC: HS with a hash no longer than the secret,
 * Ed25519: EdDSA), narrowed to its own {@code alg} when it names one, and to the hub's allowlist. A
 * token's {@code alg} outside that set never reaches the verifier, which is what stops
 * algorithm-confusion attacks (HS256 "signed" with an RSA public key).
 *
 * <p>Thread-safety: immutable; Nimbus verifiers are thread-safe.
 */
public final class TrustedKey {

  private final String kid;
  private final Set<JWSAlgorithm> algorithms;
  private final JWSVerifier verifier;
  private final String description;

  private TrustedKey(
      String kid, Set<JWSAlgorithm> algorithms, JWSVerifier verifier, String description) {
    this.kid = kid;
    this.algorithms = Set.copyOf(algorithms);
    this.verifier = verifier;
    this.description = description;
  }

  /** A configured key: exactly the algorithm it was configured with, no key id. */
  static TrustedKey of(JwtKey key) {
    return new TrustedKey(null, Set.of(key.algorithm()), key.verifier(), key.toString());
  }

  /**
   * A key from a configured secret, PEM key or JWK Set entry.
   *
   * @param allowed the hub's algorithm allowlist
   * @throws IllegalArgumentException saying why the key cannot verify any allowed algorithm
   *     (encryption key, private-only material, unsupported type, weak secret)
   */
  static TrustedKey fromJwk(JWK jwk, Set<JWSAlgorithm> allowed) {
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      throw new IllegalArgumentException("use " + jwk.getKeyUse() + " (expected: sig)");
    }
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>(compatible(jwk));
    if (jwk.getAlgorithm() != null) {
      JWSAlgorithm named = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
      algorithms.retainAll(Set.of(named));
      if (algorithms.isEmpty()) {
        throw new IllegalArgumentException(
            "alg " + named + " does not fit a " + jwk.getKeyType() + " key");
      }
    }
    algorithms.retainAll(allowed);
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException(
          jwk.getKeyType()
              + " key fits none of the allowed"
              + " algorithms "
              + Algorithms.names(allowed));
    }
    try {
      return new TrustedKey(
          jwk.getKeyID(),
          algorithms,
          verifier(jwk),
          jwk.getKeyType() + " key" + (jwk.getKeyID() == null ? "" : " " + jwk.getKeyID()));
    } catch (JOSEException e) {
      throw new IllegalArgumentException(
          "unusable " + jwk.getKeyType() + " key: " + e.getMessage(), e);
    }
  }

  /** A public key read from PEM, for any allowed algorithm of its type. */
  static TrustedKey fromPublicKey(PublicKey key, Set<JWSAlgorithm> allowed) {
    JWK jwk;
    if (key instanceof RSAPublicKey rsa) {
      jwk = new RSAKey.Builder(rsa).build();
    } else if (key instanceof ECPublicKey ec) {
      Curve curve = Curve.forECParameterSpec(ec.getParams());
      if (curve == null) {
        throw new IllegalArgumentException(
            "EC key on an unsupported curve (expected: P-256," + " P-384 or P-521)");
      }
      jwk = new ECKey.Builder(curve, ec).build();
    } else {
      throw new IllegalArgumentException(
          key.getAlgorithm()
              + " public key (expected: RSA or EC; Ed25519 keys come from a JWK Set)");
    }
    return fromJwk(jwk, allowed);
  }

  /** The {@code kid}, or null for a key configured without one. */
  public String kid() {
    return kid;
  }

  /** Whether a token whose header names {@code alg} may be verified with this key. */
  boolean accepts(JWSAlgorithm alg) {
    return algorithms.contains(alg);
  }

  /** The accepted algorithm names: {@code HS256}, or {@code [RS256, PS256, ...]}. */
  String algorithmNames() {
    return algorithms.size() == 1
        ? algorithms.iterator().next().getName()
        : Algorithms.names(algorithms);
  }

  JWSVerifier verifier() {
    return verifier;
  }

  /** Never shows key material. */
  @Override
  public String toString() {
    return description + " " + Algorithms.names(algorithms);
  }

  private static Set<JWSAlgorithm> compatible(JWK jwk) {
    if (jwk instanceof RSAKey) {
      return JWSAlgorithm.Family.RSA;
    }
    if (jwk instanceof ECKey ec) {
      return Set.copyOf(
          JWSAlgorithm.Family.EC.stream()
              .filter(alg -> Curve.forJWSAlgorithm(alg).contains(ec.getCurve()))
              .toList());
    }
    if (jwk instanceof OctetSequenceKey oct) {
      int bits = oct.toByteArray().length * 8;
      // RFC 7518 3.2: the key must be at least as long as the hash output.
      return Set.copyOf(
          JWSAlgorithm.Family.HMAC_SHA.stream()
              .filter(alg -> bits >= Integer.parseInt(alg.getName().substring(2)))
              .toList());
    }
    if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
      return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    }
    return Set.of();
  }

  private static JWSVerifier verifier(JWK jwk) throws JOSEException {
    if (jwk instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa.toRSAPublicKey());
    }
    if (jwk instanceof ECKey ec) {
      return new ECDSAVerifier(ec.toECPublicKey());
    }
    if (jwk instanceof OctetSequenceKey oct) {
      return new MACVerifier(oct.toByteArray());
    }
    return new JdkEd25519Verifier(((OctetKeyPair) jwk).getDecodedX());
  }
}
