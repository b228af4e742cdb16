package dev.herald.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenMinterTest {

  private static final Instant NOW = Instant.parse("2026-11-25T06:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SECRET = "0123456789abcdef".repeat(4); // 512 bits: enough for HS512

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512"})
  void mintedTokenRoundTripsThroughTheVerifier(String alg) throws Exception {
    JwtKey key = JwtKey.parse(alg, SECRET);
    Map<String, Object> payload = Map.of("user", "alice", "admin", true);

    String token =
        TokenMinter.mint(
            key, List.of("urn:books/{id}"), List.of("*"), payload, Duration.ofHours(1), CLOCK);
    Claims claims = new TokenVerifier(key, CLOCK).verify(token);

    assertThat(claims)
        .isEqualTo(
            new Claims(
                List.of("urn:books/{id}"), List.of("*"), payload, NOW.plus(Duration.ofHours(1))));
  }

  @Test
  void tokenWithoutTtlNeverExpires() throws Exception {
    JwtKey key = JwtKey.parse("HS256", SECRET);

    String token = TokenMinter.mint(key, null, List.of("*"), null, null, CLOCK);
    Claims claims = new TokenVerifier(key, CLOCK).verify(token);

    assertThat(claims).isEqualTo(new Claims(List.of(), List.of("*"), null, null));
  }

  @Test
  void onlyHmacKeysCanMint() {
    JwtKey rsa = JwtKey.parse("RS256", TestKeys.pem(TestKeys.RSA.getPublic()));

    assertThatThrownBy(() -> TokenMinter.mint(rsa, List.of("*"), null, null, null, CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jwt-alg: RS256 (expected one of: HS256, HS384, HS512");
  }

  @Test
  void nonPositiveTtlIsRejected() {
    JwtKey key = JwtKey.parse("HS256", SECRET);

    assertThatThrownBy(() -> TokenMinter.mint(key, null, null, null, Duration.ZERO, CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl: PT0S (expected: > 0, or none)");
  }

  @Test
  void randomSecretIsUrlSafeUnpaddedAndFresh() {
    String secret = TokenMinter.randomSecret();

    assertThat(secret).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(TokenMinter.randomSecret());
    assertThat(JwtKey.parse("HS256", secret).algorithm().getName()).isEqualTo("HS256");
  }
}
