package dev.herald.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key that signs tokens, for development tooling ({@code herald token}, demo pages, tests): an
 * HMAC secret, or an RSA or EC private key read from PKCS#8 PEM.
 *
 * <p>Thread-safety: immutable; Nimbus signers are thread-safe.
 */
public final class SigningKey {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  private final JWSAlgorithm algorithm;
  private final JWSSigner signer;
  private final String description;

  private SigningKey(JWSAlgorithm algorithm, JWSSigner signer, String description) {
    this.algorithm = algorithm;
    this.signer = signer;
    this.description = description;
  }

  /** The HMAC key of a hub key configuration, e.g. {@code JwtKey.parse("HS256", secret)}. */
  public static SigningKey of(JwtKey key) {
    if (!JWSAlgorithm.Family.HMAC_SHA.contains(key.algorithm())) {
      throw new IllegalArgumentException(
          "jwt-alg: "
              + key.algorithm()
              + " (expected one of:"
              + " HS256, HS384, HS512; a public key cannot sign: give the private key instead)");
    }
    try {
      return new SigningKey(key.algorithm(), new MACSigner(key.secret()), key.toString());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with " + key, e); // JwtKey checked the length
    }
  }

  /**
   * A private key from PKCS#8 PEM text ({@code -----BEGIN PRIVATE KEY-----}, as {@code openssl
   * genpkey} writes it).
   *
   * @param alg the algorithm, or null for the key's natural one (RSA: RS256; EC: the ES algorithm
   *     of its curve)
   * @throws IllegalArgumentException naming what is wrong and what is expected
   */
  public static SigningKey fromPem(String pem, String alg) {
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "private-key: no PEM block found" + " (expected: -----BEGIN PRIVATE KEY-----)");
    }
    if (!m.group(1).equals("PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "private-key: PEM type "
              + m.group(1)
              + " (expected:"
              + " PRIVATE KEY, i.e. PKCS#8; convert with openssl pkcs8 -topk8 -nocrypt -in FILE)");
    }
    PrivateKey key = privateKey(m.group(2));
    try {
      if (key instanceof RSAPrivateKey rsa) {
        JWSAlgorithm algorithm = algorithm(alg, JWSAlgorithm.RS256);
        require(JWSAlgorithm.Family.RSA.contains(algorithm), algorithm, "RSA");
        return new SigningKey(
            algorithm,
            new RSASSASigner(rsa),
            "RSA " + rsa.getModulus().bitLength() + "-bit private key");
      }
      ECPrivateKey ec = (ECPrivateKey) key;
      Curve curve = Curve.forECParameterSpec(ec.getParams());
      JWSAlgorithm natural =
          curve == null
              ? null
              : Curve.P_256.equals(curve)
                  ? JWSAlgorithm.ES256
                  : Curve.P_384.equals(curve)
                      ? JWSAlgorithm.ES384
                      : Curve.P_521.equals(curve) ? JWSAlgorithm.ES512 : null;
      if (natural == null) {
        throw new IllegalArgumentException(
            "private-key: EC key on an unsupported curve" + " (expected: P-256, P-384 or P-521)");
      }
      JWSAlgorithm algorithm = algorithm(alg, natural);
      require(algorithm.equals(natural), algorithm, "EC " + curve.getName());
      return new SigningKey(
          algorithm, new ECDSASigner(ec), "EC " + curve.getName() + " private key");
    } catch (JOSEException e) {
      throw new IllegalArgumentException("private-key: rejected: " + e.getMessage(), e);
    }
  }

  /** The JWS algorithm this key signs with, e.g. HS256. */
  public JWSAlgorithm algorithm() {
    return algorithm;
  }

  JWSSigner signer() {
    return signer;
  }

  /** Never shows key material. */
  @Override
  public String toString() {
    return "SigningKey[" + algorithm + ", " + description + "]";
  }

  private static PrivateKey privateKey(String base64) {
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "private-key: unreadable PRIVATE KEY: " + e.getMessage(), e);
    }
    for (String family : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(family).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next family: PKCS#8 names its algorithm, but the JDK cannot tell us which
      }
    }
    throw new IllegalArgumentException(
        "private-key: neither an RSA nor an EC PKCS#8 key" + " (encrypted keys are not supported)");
  }

  private static JWSAlgorithm algorithm(String alg, JWSAlgorithm natural) {
    if (alg == null) {
      return natural;
    }
    JWSAlgorithm parsed = JWSAlgorithm.parse(alg);
    if (!Algorithms.ACCESS_TOKENS.contains(parsed)) {
      throw new IllegalArgumentException(
          "alg: " + alg + " (expected one of: " + Algorithms.names(Algorithms.ACCESS_TOKENS) + ")");
    }
    return parsed;
  }

  private static void require(boolean fits, JWSAlgorithm alg, String keyType) {
    if (!fits) {
      throw new IllegalArgumentException(
          "alg: " + alg + " does not fit a " + keyType + " private key");
    }
  }
}
