package dev.herald.core.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenVerifierTest {

  private static final String SECRET = "!ChangeThisMercureHubJWTSecretKey!";
  private static final Instant NOW = Instant.parse("2026-11-25T06:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final TokenVerifier hs256 = new TokenVerifier(JwtKey.parse("HS256", SECRET), CLOCK);

  @Test
  void validHs256TokenYieldsPublishSubscribeAndPayload() throws Exception {
    Instant exp = Instant.parse("2026-11-25T07:00:00Z");
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .expirationTime(Date.from(exp))
            .claim(
                "mercure",
                Map.of(
                    "publish", List.of("https://example.com/books/{id}"),
                    "subscribe", List.of("https://example.com/users/foo/{?topic}", "*"),
                    "payload",
                        Map.of("user", "https://example.com/users/foo", "groups", List.of("a"))))
            .build();

    Claims verified = hs256.verify(hs256Token(SECRET, claims));

    assertThat(verified.publish()).containsExactly("https://example.com/books/{id}");
    assertThat(verified.subscribe()).containsExactly("https://example.com/users/foo/{?topic}", "*");
    assertThat(verified.payload())
        .isEqualTo(Map.of("user", "https://example.com/users/foo", "groups", List.of("a")));
    assertThat(verified.expiresAt()).isEqualTo(exp);
  }

  @Test
  void tokenSignedWithAnotherSecretIsRejected() {
    String token = hs256Token("a-different-secret-that-is-long-enough!", mercure(List.of("*")));

    assertThatThrownBy(() -> hs256.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessage("signature does not verify with the configured key");
  }

  @Test
  void expiredTokenIsRejectedWithTheExpiryInstant() {
    String token =
        hs256Token(
            SECRET,
            new JWTClaimsSet.Builder()
                .expirationTime(Date.from(Instant.parse("2026-11-25T07:00:00Z")))
                .build());
    TokenVerifier later =
        new TokenVerifier(
            JwtKey.parse("HS256", SECRET),
            Clock.fixed(Instant.parse("2026-11-25T07:00:01Z"), ZoneOffset.UTC));

    assertThatThrownBy(() -> later.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("token expired at 2026-11-25T07:00:00Z");
  }

  @Test
  void tokenIsAlreadyExpiredAtItsExpiryInstant() {
    String token =
        hs256Token(SECRET, new JWTClaimsSet.Builder().expirationTime(Date.from(NOW)).build());

    assertThatThrownBy(() -> hs256.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("token expired at " + NOW);
  }

  @Test
  void tokenNotYetValidIsRejected() {
    Instant nbf = NOW.plusSeconds(60);
    String token =
        hs256Token(SECRET, new JWTClaimsSet.Builder().notBeforeTime(Date.from(nbf)).build());

    assertThatThrownBy(() -> hs256.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("token not valid before 2026-11-25T06:01:00Z");
  }

  @Test
  void unsignedTokenIsRejected() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String token =
        b64.encodeToString("{\"alg\":\"none\"}".getBytes(UTF_8))
            + "."
            + b64.encodeToString("{\"mercure\":{\"publish\":[\"*\"]}}".getBytes(UTF_8))
            + ".";

    assertThatThrownBy(() -> hs256.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessage("unsigned tokens (alg: none) are rejected");
  }

  @Test
  void hmacTokenSignedWithTheRsaPublicKeyIsRejectedByAnRs256Verifier() throws Exception {
    TokenVerifier rs256 =
        new TokenVerifier(JwtKey.parse("RS256", TestKeys.pem(TestKeys.RSA.getPublic())), CLOCK);
    String forged =
        TestKeys.sign(
            JWSAlgorithm.HS256,
            new MACSigner(TestKeys.RSA.getPublic().getEncoded()),
            mercure(List.of("*")));

    assertThatThrownBy(() -> rs256.verify(forged))
        .isInstanceOf(AuthException.class)
        .hasMessage("token algorithm HS256 not accepted (expected: RS256)");
  }

  @Test
  void rs256TokenIsRejectedByAnHmacVerifier() {
    String token =
        TestKeys.sign(
            JWSAlgorithm.RS256, new RSASSASigner(TestKeys.RSA.getPrivate()), mercure(List.of("*")));

    assertThatThrownBy(() -> hs256.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessage("token algorithm RS256 not accepted (expected: HS256)");
  }

  @Test
  void hs384TokenIsRejectedByAnHs256Verifier() throws Exception {
    String secret = SECRET.repeat(2);
    String token = TestKeys.sign(JWSAlgorithm.HS384, new MACSigner(secret), mercure(List.of("*")));
    TokenVerifier verifier = new TokenVerifier(JwtKey.parse("HS256", secret), CLOCK);

    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessage("token algorithm HS384 not accepted (expected: HS256)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "RS512", "PS256"})
  void rsaTokenVerifiesWithPemPublicKey(String alg) throws Exception {
    TokenVerifier verifier =
        new TokenVerifier(JwtKey.parse(alg, TestKeys.pem(TestKeys.RSA.getPublic())), CLOCK);
    String token =
        TestKeys.sign(
            JWSAlgorithm.parse(alg),
            new RSASSASigner(TestKeys.RSA.getPrivate()),
            mercure(List.of("urn:a")));

    assertThat(verifier.verify(token).publish()).containsExactly("urn:a");
  }

  @ParameterizedTest
  @CsvSource({"ES256, secp256r1", "ES384, secp384r1", "ES512, secp521r1"})
  void ecTokenVerifiesWithPemPublicKey(String alg, String curve) throws Exception {
    KeyPair pair = TestKeys.ec(curve);
    TokenVerifier verifier =
        new TokenVerifier(JwtKey.parse(alg, TestKeys.pem(pair.getPublic())), CLOCK);
    String token =
        TestKeys.sign(
            JWSAlgorithm.parse(alg),
            new ECDSASigner((ECPrivateKey) pair.getPrivate()),
            mercure(List.of("urn:a")));

    assertThat(verifier.verify(token).publish()).containsExactly("urn:a");
  }

  @Test
  void publicKeyIsReadFromAPemFilePath(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("jwt.pub.pem"), TestKeys.pem(TestKeys.RSA.getPublic()));
    TokenVerifier verifier = new TokenVerifier(JwtKey.parse("RS256", file.toString()), CLOCK);
    String token =
        TestKeys.sign(
            JWSAlgorithm.RS256,
            new RSASSASigner(TestKeys.RSA.getPrivate()),
            mercure(List.of("urn:a")));

    assertThat(verifier.verify(token).publish()).containsExactly("urn:a");
  }

  @Test
  void garbageIsReportedAsMalformed() {
    assertThatThrownBy(() -> hs256.verify("abc"))
        .isInstanceOf(AuthException.class)
        .hasMessageStartingWith("malformed token: ");
  }

  @Test
  void encryptedTokenIsRejected() throws JOSEException {
    JWEObject jwe =
        new JWEObject(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), new Payload("{}"));
    jwe.encrypt(new DirectEncrypter(new byte[32]));

    assertThatThrownBy(() -> hs256.verify(jwe.serialize()))
        .isInstanceOf(AuthException.class)
        .hasMessageStartingWith("malformed token: encrypted tokens (JWE) are not accepted");
  }

  @Test
  void tokenWithoutMercureClaimGrantsNothing() throws Exception {
    Claims claims =
        hs256.verify(hs256Token(SECRET, new JWTClaimsSet.Builder().subject("someone").build()));

    assertThat(claims).isEqualTo(Claims.anonymous());
  }

  @Test
  void mercureClaimThatIsNotAnObjectIsRejected() {
    String token = hs256Token(SECRET, new JWTClaimsSet.Builder().claim("mercure", "*").build());

    assertThatThrownBy(() -> hs256.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessage("mercure claim is not an object");
  }

  @Test
  void publishThatIsNotAnArrayIsRejected() {
    String token =
        hs256Token(
            SECRET, new JWTClaimsSet.Builder().claim("mercure", Map.of("publish", "*")).build());

    assertThatThrownBy(() -> hs256.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessage("mercure.publish is not an array of topic selectors");
  }

  private static JWTClaimsSet mercure(List<String> publish) {
    return new JWTClaimsSet.Builder().claim("mercure", Map.of("publish", publish)).build();
  }

  private static String hs256Token(String secret, JWTClaimsSet claims) {
    try {
      return TestKeys.sign(JWSAlgorithm.HS256, new MACSigner(secret), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A clock the test moves by hand. */
  private static final class MovableClock extends Clock {
    private Instant now = NOW;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aRememberedTokenStillExpires() throws Exception {
    MovableClock clock = new MovableClock();
    TokenVerifier verifier = new TokenVerifier(JwtKey.parse("HS256", SECRET), clock);
    String token =
        TokenMinter.mint(
            JwtKey.parse("HS256", SECRET),
            List.of("*"),
            null,
            null,
            java.time.Duration.ofMinutes(1),
            clock);
    assertThat(verifier.verify(token).publish()).containsExactly("*");
    assertThat(verifier.verify(token).publish()).as("answered from memory").containsExactly("*");
    clock.now = NOW.plusSeconds(61);
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("token expired at");
  }

  @Test
  void aForgedTokenIsNotAcceptedBecauseAnotherWasRemembered() throws Exception {
    TokenVerifier verifier = new TokenVerifier(JwtKey.parse("HS256", SECRET), CLOCK);
    String token =
        TokenMinter.mint(JwtKey.parse("HS256", SECRET), List.of("*"), null, null, null, CLOCK);
    verifier.verify(token);
    String forged =
        token.substring(0, token.lastIndexOf('.') + 1)
            + "AAAA"
            + token.substring(token.lastIndexOf('.') + 5);
    assertThatThrownBy(() -> verifier.verify(forged)).isInstanceOf(AuthException.class);
  }
}
