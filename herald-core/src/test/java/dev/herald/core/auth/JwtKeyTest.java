package dev.herald.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeyTest {

  /** Self-signed EC P-256 certificate (CN=herald-test); only its public key matters here. */
  private static final String EC_CERTIFICATE =
      """
      -----BEGIN CERTIFICATE-----
      MIIBgzCCASmgAwIBAgIUXEP5hZpCf7Y+hCrKMkoafHGFKgwwCgYIKoZIzj0EAwIw
      FjEUMBIGA1UEAwwLaGVyYWxkLXRlc3QwIBcNMjYxMTI1MDcyNjA5WhgPMjEyNjEx
      MDEwNzI2MDlaMBYxFDASBgNVBAMMC2hlcmFsZC10ZXN0MFkwEwYHKoZIzj0CAQYI
      KoZIzj0DAQcDQgAE501vtQ0xEyvMFrP5oJDDIhNcjuUyCrI8qvDcrahz167c/5i1
      iMC6+NYu4LeU1frsfIX+m14V4TqXlujUW2yPZ6NTMFEwHQYDVR0OBBYEFAqXwDyz
      fdQCe/Lg0i5ChKZO9x4vMB8GA1UdIwQYMBaAFAqXwDyzfdQCe/Lg0i5ChKZO9x4v
      MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAKutGeOg7MzQ032y
      W80yqCIZP/nVnuWoHoKJ43q3wwTQAiAVukLPBMpwyRtViUkPZONiISoUsLaNhqAr
      tNujoRtQnw==
      -----END CERTIFICATE-----
      """;

  @Test
  void unknownAlgorithmListsTheSupportedOnes() {
    assertThatThrownBy(() -> JwtKey.parse("XX", "whatever"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "jwt-alg: XX (expected one of: HS256, HS384, HS512, RS256, RS384, RS512,"
                + " PS256, PS384, PS512, ES256, ES384, ES512)");
  }

  @Test
  void shortHmacSecretIsRejectedWithItsLength() {
    assertThatThrownBy(() -> JwtKey.parse("HS256", "too-short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jwt-key: 72 bits is too short for HS256 (expected: >= 256 bits");
  }

  @Test
  void hmacMinimumGrowsWithTheHash() {
    assertThatThrownBy(() -> JwtKey.parse("HS512", "x".repeat(32)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jwt-key: 256 bits is too short for HS512 (expected: >= 512 bits");
  }

  @Test
  void ecKeyGivenForRs256IsRejected() {
    String pem = TestKeys.pem(TestKeys.ec("secp256r1").getPublic());

    assertThatThrownBy(() -> JwtKey.parse("RS256", pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jwt-key: EC public key given for RS256 (expected: an RSA public key)");
  }

  @Test
  void rsaKeyGivenForEs256IsRejected() {
    String pem = TestKeys.pem(TestKeys.RSA.getPublic());

    assertThatThrownBy(() -> JwtKey.parse("ES256", pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jwt-key: RSA public key given for ES256 (expected: an EC public key)");
  }

  @Test
  void ecKeyOnTheWrongCurveIsRejected() {
    String pem = TestKeys.pem(TestKeys.ec("secp384r1").getPublic());

    assertThatThrownBy(() -> JwtKey.parse("ES256", pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jwt-key: EC key on curve P-384 given for ES256 (expected: P-256)");
  }

  @Test
  void certificateContributesItsPublicKey() {
    assertThat(JwtKey.parse("ES256", EC_CERTIFICATE).algorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThatThrownBy(() -> JwtKey.parse("RS256", EC_CERTIFICATE))
        .hasMessage("jwt-key: EC public key given for RS256 (expected: an RSA public key)");
  }

  @Test
  void privateKeyPemIsRefused() {
    String pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";

    assertThatThrownBy(() -> JwtKey.parse("RS256", pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jwt-key: PEM type PRIVATE KEY not supported");
  }

  @Test
  void corruptPublicKeyIsReported() {
    String pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";

    assertThatThrownBy(() -> JwtKey.parse("RS256", pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jwt-key: unreadable PUBLIC KEY: ");
  }

  @Test
  void missingPemFileIsReportedWithItsPath(@TempDir Path dir) {
    String path = dir.resolve("absent.pem").toString();

    assertThatThrownBy(() -> JwtKey.parse("RS256", path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(path)
        .hasMessageContaining("NoSuchFileException");
  }

  @Test
  void toStringDoesNotRevealTheSecret() {
    String secret = "!ChangeThisMercureHubJWTSecretKey!";

    assertThat(JwtKey.parse("HS256", secret))
        .hasToString("JwtKey[HS256, 272-bit secret]")
        .asString()
        .doesNotContain(secret);
  }
}
