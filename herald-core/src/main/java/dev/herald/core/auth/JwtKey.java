package dev.herald.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The key tokens are verified with: one JWS algorithm plus its key material, checked against each
 * other once, when the configuration is read.
 *
 * <p>Thread-safety: immutable; share one instance across all threads.
 */
public final class JwtKey {

  private static final List<JWSAlgorithm> SUPPORTED =
      List.of(
          JWSAlgorithm.HS256,
          JWSAlgorithm.HS384,
          JWSAlgorithm.HS512,
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  private final JWSAlgorithm algorithm;
  private final byte[] secret; // HMAC only, null otherwise
  private final String description;
  private final JWSVerifier verifier;

  private JwtKey(JWSAlgorithm algorithm, byte[] secret, String description, JWSVerifier verifier) {
    this.algorithm = algorithm;
    this.secret = secret;
    this.description = description;
    this.verifier = verifier;
  }

  /**
   * Reads a key configuration.
   *
   * @param alg one of HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512
   * @param keyValue for HS*, the shared secret (its UTF-8 bytes are the key, as in other Mercure
   *     hubs); otherwise PEM text ({@code PUBLIC KEY} or {@code CERTIFICATE}) or a path to a PEM
   *     file
   * @throws IllegalArgumentException naming the bad value and what was expected
   */
  public static JwtKey parse(String alg, String keyValue) {
    JWSAlgorithm algorithm =
        SUPPORTED.stream()
            .filter(a -> a.getName().equals(alg))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "jwt-alg: "
                            + alg
                            + " (expected one of: "
                            + SUPPORTED.stream()
                                .map(JWSAlgorithm::getName)
                                .collect(Collectors.joining(", "))
                            + ")"));
    if (keyValue == null || keyValue.isEmpty()) {
      throw new IllegalArgumentException("jwt-key: missing (required for " + alg + ")");
    }
    try {
      return JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)
          ? hmac(algorithm, keyValue.getBytes(StandardCharsets.UTF_8))
          : asymmetric(algorithm, publicKey(keyValue));
    } catch (JOSEException e) {
      // Our own checks run first, so this only fires on something they did not anticipate.
      throw new IllegalArgumentException("jwt-key: rejected for " + alg + ": " + e.getMessage(), e);
    }
  }

  /** The only algorithm a token may name in its header to be accepted with this key. */
  public JWSAlgorithm algorithm() {
    return algorithm;
  }

  /** Never shows the secret, so the key can be logged at start-up. */
  @Override
  public String toString() {
    return "JwtKey[" + algorithm + ", " + description + "]";
  }

  JWSVerifier verifier() {
    return verifier;
  }

  /** The HMAC secret, or null for public keys. A copy, because arrays are mutable. */
  byte[] secret() {
    return secret == null ? null : secret.clone();
  }

  private static JwtKey hmac(JWSAlgorithm algorithm, byte[] secret) throws JOSEException {
    // RFC 7518 3.2: the key must be at least as long as the hash output.
    int minBits = Integer.parseInt(algorithm.getName().substring(2));
    int bits = secret.length * 8;
    if (bits < minBits) {
      throw new IllegalArgumentException(
          "jwt-key: "
              + bits
              + " bits is too short for "
              + algorithm
              + " (expected: >= "
              + minBits
              + " bits, i.e. at least "
              + minBits / 8
              + " bytes of UTF-8)");
    }
    return new JwtKey(algorithm, secret, bits + "-bit secret", new MACVerifier(secret));
  }

  private static JwtKey asymmetric(JWSAlgorithm algorithm, PublicKey key) throws JOSEException {
    if (JWSAlgorithm.Family.RSA.contains(algorithm)) {
      if (!(key instanceof RSAPublicKey rsa)) {
        throw new IllegalArgumentException(
            "jwt-key: "
                + key.getAlgorithm()
                + " public key given for "
                + algorithm
                + " (expected: an RSA public key)");
      }
      String description = "RSA " + rsa.getModulus().bitLength() + "-bit public key";
      return new JwtKey(algorithm, null, description, new RSASSAVerifier(rsa));
    }
    if (!(key instanceof ECPublicKey ec)) {
      throw new IllegalArgumentException(
          "jwt-key: "
              + key.getAlgorithm()
              + " public key given for "
              + algorithm
              + " (expected: an EC public key)");
    }
    Curve curve = Curve.forECParameterSpec(ec.getParams());
    Curve expected = Curve.forJWSAlgorithm(algorithm).iterator().next();
    if (!expected.equals(curve)) {
      throw new IllegalArgumentException(
          "jwt-key: EC key on curve "
              + (curve == null ? "unknown" : curve.getName())
              + " given for "
              + algorithm
              + " (expected: "
              + expected.getName()
              + ")");
    }
    return new JwtKey(
        algorithm, null, "EC " + curve.getName() + " public key", new ECDSAVerifier(ec));
  }

  private static PublicKey publicKey(String keyValue) {
    String pem = keyValue.strip().startsWith("-----BEGIN") ? keyValue : readPemFile(keyValue);
    try {
      return readPublicKey(pem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("jwt-key: " + e.getMessage(), e);
    }
  }

  /**
   * The public key of PEM text: a {@code PUBLIC KEY} (RSA or EC) or a {@code CERTIFICATE}.
   *
   * @throws IllegalArgumentException saying what was found and what is expected
   */
  static PublicKey readPublicKey(String pem) {
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "no PEM block found"
              + " (expected: -----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)");
    }
    String type = m.group(1);
    if (!type.equals("PUBLIC KEY") && !type.equals("CERTIFICATE")) {
      throw new IllegalArgumentException(
          "PEM type "
              + type
              + " not supported"
              + " (expected: PUBLIC KEY or CERTIFICATE; the hub only needs the public half)");
    }
    try {
      return type.equals("PUBLIC KEY")
          ? subjectPublicKey(Base64.getMimeDecoder().decode(m.group(2)))
          : CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII)))
              .getPublicKey();
    } catch (GeneralSecurityException | IllegalArgumentException e) { // IAE: bad base64
      throw new IllegalArgumentException("unreadable " + type + ": " + e.getMessage(), e);
    }
  }

  private static PublicKey subjectPublicKey(byte[] der) throws GeneralSecurityException {
    // The DER names its own algorithm, but the JDK has no API to read it; trying both is simpler.
    GeneralSecurityException first = null;
    for (String family : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        first = first == null ? e : first;
      }
    }
    throw new GeneralSecurityException("neither an RSA nor an EC public key", first);
  }

  private static String readPemFile(String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
    } catch (IOException | InvalidPathException e) {
      throw new IllegalArgumentException(
          "jwt-key: not PEM text and not a readable PEM file: "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }
}
