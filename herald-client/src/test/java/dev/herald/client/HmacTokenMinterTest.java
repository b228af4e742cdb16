package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The tokens' bytes: header, claims and signature (RFC 7519 / RFC 7515). That a hub accepts them is
 * tested in herald-it against a real one.
 */
class HmacTokenMinterTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private static String part(String token, int index) {
    return new String(
        Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8);
  }

  @Test
  void headerClaimsAndSignatureAreThoseOfAnHs256Jwt() throws Exception {
    HmacTokenMinter minter =
        HmacTokenMinter.hs256(SECRET).withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    String token =
        minter.mint(
            List.of("https://example.com/{id}", "urn:\"quoted\""),
            List.of("*"),
            Duration.ofMinutes(5));

    assertThat(token.split("\\.")).hasSize(3);
    assertThat(part(token, 0)).isEqualTo("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    assertThat(part(token, 1))
        .isEqualTo(
            "{\"iat\":"
                + NOW.getEpochSecond()
                + ",\"exp\":"
                + NOW.plusSeconds(300).getEpochSecond()
                + ",\"mercure\":{\"publish\":[\"https://example.com/{id}\",\"urn:\\\"quoted\\\"\"],"
                + "\"subscribe\":[\"*\"]}}");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signingInput = token.substring(0, token.lastIndexOf('.'));
    String expected =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    assertThat(token.substring(token.lastIndexOf('.') + 1)).isEqualTo(expected);
  }

  @Test
  void withoutTtlThereIsNoExpiry() {
    String token = HmacTokenMinter.hs256(SECRET).publisher(List.of("*"), null);
    assertThat(part(token, 1)).doesNotContain("exp").contains("\"mercure\":{\"publish\":[\"*\"]}");
  }

  @Test
  void hs512IsNamedInTheHeader() {
    String token = HmacTokenMinter.of("hs512", SECRET + SECRET).subscriber(List.of("*"), null);
    assertThat(part(token, 0)).contains("\"alg\":\"HS512\"");
  }

  @Test
  void keyShorterThanTheHashIsRejected() {
    assertThatThrownBy(() -> HmacTokenMinter.hs256("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret: 5 bytes (expected: >= 32 bytes for HS256)");
  }

  @Test
  void asymmetricAlgorithmIsRejected() {
    assertThatThrownBy(() -> HmacTokenMinter.of("RS256", SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("algorithm: RS256 (expected one of: HS256, HS384, HS512)");
  }

  @Test
  void renewingMintsAgainAfterThreeQuartersOfTheLifetime() {
    AtomicReference<Instant> now = new AtomicReference<>(NOW);
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now.get();
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    Supplier<String> tokens =
        HmacTokenMinter.hs256(SECRET)
            .withClock(clock)
            .renewing(List.of("*"), null, Duration.ofMinutes(4));
    String first = tokens.get();
    now.set(NOW.plus(Duration.ofMinutes(2)));
    assertThat(tokens.get()).isSameAs(first);
    now.set(NOW.plus(Duration.ofMinutes(3)));
    String renewed = tokens.get();
    assertThat(renewed).isNotEqualTo(first);
    assertThat(part(renewed, 1))
        .contains("\"exp\":" + NOW.plus(Duration.ofMinutes(7)).getEpochSecond());
  }

  @Test
  void secretIsNotShownByToString() {
    assertThat(HmacTokenMinter.hs256(SECRET).toString()).doesNotContain(SECRET);
  }
}
