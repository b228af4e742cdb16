package dev.herald.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature: {@code v1,} + base64 of HMAC-SHA256 over {@code
 * id.timestamp.body}, keyed with the secret's base64-decoded bytes (after an optional {@code
 * whsec_}). Immutable; safe from any thread (a {@link Mac} per call).
 */
public final class WebhookSignature {

  private static final String PREFIX = "whsec_";

  private final SecretKeySpec key;

  public WebhookSignature(String secret) {
    this.key = new SecretKeySpec(key(secret), "HmacSHA256");
  }

  /**
   * The key bytes of a secret.
   *
   * @throws IllegalArgumentException if the secret is not (whsec_ +) base64 of at least 16 bytes
   */
  static byte[] key(String secret) {
    String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "webhook-secret: not base64 (expected: whsec_ followed by base64 of 24 to 64 bytes)");
    }
    if (bytes.length < 16) {
      throw new IllegalArgumentException(
          "webhook-secret: " + bytes.length + " bytes (expected: at least 16, better 32)");
    }
    return bytes;
  }

  /** The {@code webhook-signature} header's value for the message. */
  public String sign(String id, long timestampSeconds, String body) {
    return "v1," + Base64.getEncoder().encodeToString(mac(id, timestampSeconds, body));
  }

  /** Whether {@code header} (space-separated signatures) holds a valid {@code v1} one. */
  public boolean verify(String id, long timestampSeconds, String body, String header) {
    byte[] expected = mac(id, timestampSeconds, body);
    for (String candidate : header.split(" ")) {
      if (!candidate.startsWith("v1,")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(3));
      } catch (IllegalArgumentException notBase64) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return true;
      }
    }
    return false;
  }

  private byte[] mac(String id, long timestampSeconds, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(
          (id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e); // every JDK has it
    }
  }
}
