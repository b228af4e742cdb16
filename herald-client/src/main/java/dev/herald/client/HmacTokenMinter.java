package dev.herald.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints HMAC-signed Mercure JWTs (HS256, HS384 or HS512) from the hub's shared secret, with the
 * JDK's own {@code javax.crypto} so the client needs no JWT library. A publisher or subscriber that
 * holds the hub's key can mint its own short-lived tokens instead of being handed one; pair {@link
 * #renewing} with {@link HeraldPublisher.Builder#token(Supplier)} or {@link
 * HeraldSubscriber.Builder#token(Supplier)} to renew them before they expire.
 *
 * <p>Asymmetric keys (RS*, ES*) are not minted here: whoever holds such a private key usually has a
 * JWT library already; pass its tokens as strings. Immutable; safe from any thread.
 */
public final class HmacTokenMinter {

  private final String algorithm;
  private final SecretKeySpec key;
  private final Clock clock;

  private HmacTokenMinter(String algorithm, byte[] secret, Clock clock) {
    String jcaName =
        switch (algorithm) {
          case "HS256" -> "HmacSHA256";
          case "HS384" -> "HmacSHA384";
          case "HS512" -> "HmacSHA512";
          default ->
              throw new IllegalArgumentException(
                  "algorithm: " + algorithm + " (expected one of: HS256, HS384, HS512)");
        };
    int minBytes = Integer.parseInt(algorithm.substring(2)) / 8;
    if (secret.length < minBytes) {
      // RFC 7518, section 3.2: the key must be at least as long as the hash; hubs reject less.
      throw new IllegalArgumentException(
          "secret: "
              + secret.length
              + " bytes (expected: >= "
              + minBytes
              + " bytes for "
              + algorithm
              + ")");
    }
    this.algorithm = algorithm;
    this.key = new SecretKeySpec(secret.clone(), jcaName);
    this.clock = clock;
  }

  /** A minter for {@code algorithm} (HS256, HS384 or HS512) and the secret's UTF-8 bytes. */
  public static HmacTokenMinter of(String algorithm, String secret) {
    return new HmacTokenMinter(
        algorithm.toUpperCase(Locale.ROOT),
        secret.getBytes(StandardCharsets.UTF_8),
        Clock.systemUTC());
  }

  /** A minter for HS256 and the secret's UTF-8 bytes (at least 32), the hub's default. */
  public static HmacTokenMinter hs256(String secret) {
    return of("HS256", secret);
  }

  /** The same key on another clock (for {@code iat} and {@code exp}); for tests. */
  HmacTokenMinter withClock(Clock clock) {
    return new HmacTokenMinter(algorithm, key.getEncoded(), clock);
  }

  /** A token that may publish to the topics matched by {@code selectors}, e.g. {@code "*"}. */
  public String publisher(List<String> selectors, Duration ttl) {
    return mint(selectors, null, ttl);
  }

  /** A token that may receive the private updates of the topics {@code selectors} match. */
  public String subscriber(List<String> selectors, Duration ttl) {
    return mint(null, selectors, ttl);
  }

  /**
   * A token with a {@code mercure} claim.
   *
   * @param publish selectors for {@code mercure.publish}, or null to leave it out
   * @param subscribe selectors for {@code mercure.subscribe}, or null to leave it out
   * @param ttl lifetime from now ({@code exp}), or null for a token that never expires
   */
  public String mint(List<String> publish, List<String> subscribe, Duration ttl) {
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0, or null for none)");
    }
    Instant now = clock.instant();
    StringBuilder claims = new StringBuilder("{\"iat\":").append(now.getEpochSecond());
    if (ttl != null) {
      claims.append(",\"exp\":").append(now.plus(ttl).getEpochSecond());
    }
    claims.append(",\"mercure\":{");
    boolean first = true;
    if (publish != null) {
      claims.append("\"publish\":");
      Json.stringArray(claims, publish);
      first = false;
    }
    if (subscribe != null) {
      claims.append(first ? "" : ",").append("\"subscribe\":");
      Json.stringArray(claims, subscribe);
    }
    claims.append("}}");
    String header = "{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\"}";
    String signingInput =
        base64(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + base64(claims.toString().getBytes(StandardCharsets.UTF_8));
    return signingInput + "." + base64(sign(signingInput));
  }

  /**
   * A source of tokens that mints a fresh one once three quarters of the previous one's lifetime
   * have passed, so a token handed out is never about to expire. Thread-safe.
   */
  public Supplier<String> renewing(List<String> publish, List<String> subscribe, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    List<String> publishCopy = publish == null ? null : List.copyOf(publish);
    List<String> subscribeCopy = subscribe == null ? null : List.copyOf(subscribe);
    mint(publishCopy, subscribeCopy, ttl); // fail now, not on first use, for a bad ttl
    Duration renewAfter = ttl.minus(ttl.dividedBy(4));
    return new Supplier<>() {
      private String token;
      private Instant renewAt = Instant.MIN;

      @Override
      public synchronized String get() {
        Instant now = clock.instant();
        if (!now.isBefore(renewAt)) {
          token = mint(publishCopy, subscribeCopy, ttl);
          renewAt = now.plus(renewAfter);
        }
        return token;
      }
    };
  }

  private byte[] sign(String signingInput) {
    try {
      Mac mac = Mac.getInstance(key.getAlgorithm());
      mac.init(key);
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      // Every JDK ships HmacSHA256/384/512 (they are required algorithms).
      throw new IllegalStateException("cannot sign with " + key.getAlgorithm(), e);
    }
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "HmacTokenMinter[" + algorithm + ", secret hidden]";
  }
}
