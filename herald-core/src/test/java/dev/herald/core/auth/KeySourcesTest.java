package dev.herald.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySourcesTest {

  private static final String SECRET = "!ChangeThisMercureHubJWTSecretKey!";

  private static KeySource parse(String value) {
    return KeySources.parse(value, Algorithms.ACCESS_TOKENS, Runnable::run);
  }

  @Test
  void aSecretVerifiesTheHmacAlgorithmsItIsLongEnoughFor() {
    TrustedKey key = parse(SECRET).keys().get(0);
    assertThat(key.accepts(JWSAlgorithm.HS256)).isTrue();
    assertThat(key.accepts(JWSAlgorithm.HS384)).as("34 bytes < 48").isFalse();
    assertThat(key.accepts(JWSAlgorithm.RS256)).isFalse();
    assertThat(parse(SECRET).describe()).isEqualTo("272-bit secret").doesNotContain(SECRET);
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> parse("short"))
        .hasMessage(
            "key source: a 40-bit secret is too short (expected: >= 256 bits, i.e. at"
                + " least 32 bytes of UTF-8)");
  }

  @Test
  void secretPrefixForcesASecretThatLooksLikeAPath() {
    assertThat(
            parse("secret:/this/is/a/long/secret/not/a/key.pem")
                .keys()
                .get(0)
                .accepts(JWSAlgorithm.HS256))
        .isTrue();
  }

  @Test
  void pemTextAndPemFilesGiveTheKeyTypesAlgorithms(@TempDir Path dir) throws Exception {
    String pem = TestKeys.pem(TestKeys.ec("secp384r1").getPublic());
    TrustedKey fromText = parse(pem).keys().get(0);
    assertThat(fromText.accepts(JWSAlgorithm.ES384)).isTrue();
    assertThat(fromText.accepts(JWSAlgorithm.ES256)).isFalse();

    Path file = dir.resolve("rsa.pub");
    Files.writeString(file, TestKeys.pem(TestKeys.RSA.getPublic()));
    TrustedKey fromFile = parse(file.toString()).keys().get(0);
    assertThat(fromFile.accepts(JWSAlgorithm.RS256)).isTrue();
    assertThat(fromFile.accepts(JWSAlgorithm.PS512)).isTrue();
    assertThat(fromFile.accepts(JWSAlgorithm.HS256)).isFalse();
  }

  @Test
  void aMistypedPemPathFailsInsteadOfBecomingASecret() {
    assertThatThrownBy(() -> parse("/etc/herald/issuer-key-that-does-not-exist.pem"))
        .hasMessageStartingWith(
            "key source: /etc/herald/issuer-key-that-does-not-exist.pem is"
                + " not a readable PEM file (NoSuchFileException)");
  }

  @Test
  void urlsBecomeJwkSets() {
    assertThat(parse("https://auth.example.com/.well-known/jwks.json"))
        .isInstanceOf(JwksKeySource.class);
    assertThatThrownBy(() -> parse("http://auth.example.com/jwks.json"))
        .hasMessageContaining("expected: an https:// or file: URL");
  }

  @Test
  void issuersAreParsedFromIssuerEqualsKeySourceAndRepeatsAddKeys() {
    TrustedIssuers issuers =
        TrustedIssuers.parse(
            List.of(
                "https://localhost=" + SECRET,
                "https://localhost=secret:" + SECRET + "-rotated",
                "https://auth.example.com=https://auth.example.com/jwks.json"),
            Runnable::run);
    assertThat(issuers.issuers()).containsExactly("https://localhost", "https://auth.example.com");
    assertThat(issuers.keysOf("https://localhost")).hasSize(2);
    assertThat(issuers.describe()).doesNotContain(SECRET);
    assertThat(issuers.issuersWithKeySets())
        .as("authorization servers: keys from https")
        .containsExactly("https://auth.example.com");
  }

  @Test
  void anIssuerEntryWithoutKeySourceIsRefusedWithoutEchoingASecret() {
    assertThatThrownBy(() -> TrustedIssuers.parse(List.of(SECRET), Runnable::run))
        .hasMessage(
            "issuer: an entry without '=' (expected: ISSUER=KEYSOURCE, e.g."
                + " https://auth.example.com=https://auth.example.com/jwks.json)");
    assertThatThrownBy(
            () -> TrustedIssuers.parse(List.of("https://localhost=short"), Runnable::run))
        .hasMessageStartingWith("issuer https://localhost: key source: a 40-bit");
  }
}
