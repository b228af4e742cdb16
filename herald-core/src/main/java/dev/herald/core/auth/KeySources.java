package dev.herald.core.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Reads a key source as written in configuration ({@code --issuer ISSUER=KEYSOURCE}):
 *
 * <ul>
 *   <li>{@code https://…}, {@code file:…} (or {@code http://} to a loopback address): a JWK Set,
 *       fetched on the refresher;
 *   <li>PEM text, {@code pem:PATH}, or a path ending in {@code .pem}, {@code .crt} or {@code .pub},
 *       or naming an existing file: a PEM public key or certificate (RSA or EC);
 *   <li>{@code secret:VALUE}, or anything else: an HMAC secret, its UTF-8 bytes being the key.
 * </ul>
 *
 * A mistyped PEM path therefore fails loudly instead of becoming a secret.
 *
 * <p>Thread-safety: stateless.
 */
final class KeySources {

  private KeySources() {}

  /**
   * @param allowed the algorithms the keys may verify
   * @param refresher runs JWK Set fetches; {@link JwksKeySource#start()} is the caller's call
   * @throws IllegalArgumentException naming the problem and what was expected
   */
  static KeySource parse(String value, Set<JWSAlgorithm> allowed, Executor refresher) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          "key source: empty (expected: a secret, a PEM file or" + " a JWK Set URL)");
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://") || lower.startsWith("http://") || lower.startsWith("file:")) {
      return new JwksKeySource(JwksKeySource.checkUrl(value), allowed, refresher);
    }
    if (lower.startsWith("secret:")) {
      return hmac(value.substring("secret:".length()), allowed);
    }
    if (value.strip().startsWith("-----BEGIN")) {
      return pem("PEM text", value, allowed);
    }
    boolean explicit = lower.startsWith("pem:");
    String path = explicit ? value.substring("pem:".length()) : value;
    if (explicit
        || lower.endsWith(".pem")
        || lower.endsWith(".crt")
        || lower.endsWith(".pub")
        || isFile(value)) {
      return pem(path, readFile(path), allowed);
    }
    return hmac(value, allowed);
  }

  private static KeySource hmac(String secret, Set<JWSAlgorithm> allowed) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < 32) {
      throw new IllegalArgumentException(
          "key source: a "
              + bytes.length * 8
              + "-bit secret is"
              + " too short (expected: >= 256 bits, i.e. at least 32 bytes of UTF-8)");
    }
    TrustedKey key;
    try {
      key = TrustedKey.fromJwk(new OctetSequenceKey.Builder(bytes).build(), allowed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key source: secret: " + e.getMessage(), e);
    }
    return KeySource.fixed(bytes.length * 8 + "-bit secret", List.of(key));
  }

  private static KeySource pem(String where, String text, Set<JWSAlgorithm> allowed) {
    try {
      return KeySource.fixed(
          where, List.of(TrustedKey.fromPublicKey(JwtKey.readPublicKey(text), allowed)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key source: " + where + ": " + e.getMessage(), e);
    }
  }

  private static boolean isFile(String value) {
    try {
      return Files.isRegularFile(Path.of(value));
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static String readFile(String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
    } catch (java.io.IOException | InvalidPathException e) {
      throw new IllegalArgumentException(
          "key source: "
              + path
              + " is not a readable PEM file ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }
}
