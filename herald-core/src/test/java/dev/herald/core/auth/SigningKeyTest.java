package dev.herald.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Minting with RSA/EC private keys, and draft-08 access tokens the hub's verifier accepts. */
class SigningKeyTest {

  private static final MutableClock CLOCK = new MutableClock(AccessTokenVerifierTest.NOW);

  static String pkcs8(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  @Test
  void rsaAndEcPrivateKeysSignDraft07TokensTheirPublicKeysVerify() throws Exception {
    KeyPair ec = TestKeys.ec("secp384r1");
    for (Object[] c :
        new Object[][] {
          {TestKeys.RSA, null, "RS256"}, {TestKeys.RSA, "PS512", "PS512"}, {ec, null, "ES384"}
        }) {
      KeyPair pair = (KeyPair) c[0];
      SigningKey key = SigningKey.fromPem(pkcs8(pair.getPrivate()), (String) c[1]);
      assertThat(key.algorithm().getName()).isEqualTo(c[2]);
      String token = TokenMinter.mint(key, List.of("*"), null, null, Duration.ofMinutes(5), CLOCK);
      Claims claims =
          new TokenVerifier(JwtKey.parse((String) c[2], TestKeys.pem(pair.getPublic())), CLOCK)
              .verify(token);
      assertThat(claims.publish()).containsExactly("*");
    }
  }

  @Test
  void mismatchedOrUnreadablePrivateKeysAreRefused() {
    String ecPem = pkcs8(TestKeys.ec("secp256r1").getPrivate());
    assertThatThrownBy(() -> SigningKey.fromPem(ecPem, "ES384"))
        .hasMessage("alg: ES384 does not fit a EC P-256 private key");
    assertThatThrownBy(() -> SigningKey.fromPem(pkcs8(TestKeys.RSA.getPrivate()), "ES256"))
        .hasMessage("alg: ES256 does not fit a RSA private key");
    assertThatThrownBy(
            () ->
                SigningKey.fromPem(
                    "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----", null))
        .hasMessageStartingWith("private-key: PEM type RSA PRIVATE KEY (expected: PRIVATE KEY");
    assertThatThrownBy(() -> SigningKey.fromPem(TestKeys.pem(TestKeys.RSA.getPublic()), null))
        .hasMessageStartingWith("private-key: PEM type PUBLIC KEY");
  }

  @Test
  void accessTokensCarryEveryRfc9068ClaimAndVerifyWithTheHub() throws Exception {
    KeyPair ec = TestKeys.ec("secp256r1");
    SigningKey key = SigningKey.fromPem(pkcs8(ec.getPrivate()), null);
    String token =
        TokenMinter.mintAccessToken(
            key,
            new TokenMinter.AccessTokenRequest(
                "https://auth.example.com",
                AccessTokenVerifierTest.RESOURCE,
                "alice",
                List.of(new TokenMinter.TopicGrant("https://example.com/books/1", null)),
                List.of(new TokenMinter.TopicGrant("*", "exact")),
                Map.of("user", "alice"),
                Duration.ofMinutes(10)),
            CLOCK);

    AccessTokenVerifier verifier =
        new AccessTokenVerifier(
            AccessTokenVerifierTest.RESOURCE,
            TrustedIssuers.parse(
                List.of("https://auth.example.com=" + TestKeys.pem(ec.getPublic())), Runnable::run),
            MatcherCompiler.exactOnly(),
            CLOCK);
    AccessClaims claims = verifier.verify(token);

    assertThat(claims.subject()).isEqualTo("alice");
    assertThat(claims.expiresAt()).isEqualTo(AccessTokenVerifierTest.NOW.plusSeconds(600));
    assertThat(claims.mayPublish("https://example.com/books/1")).isTrue();
    assertThat(claims.mayPublish("https://example.com/books/2")).isFalse();
    assertThat(claims.mayReceive(List.of("anything"))).isTrue();
    assertThat(claims.payloadFor("anything")).isEqualTo(Map.of("user", "alice"));
    com.nimbusds.jwt.SignedJWT parsed = com.nimbusds.jwt.SignedJWT.parse(token);
    assertThat(parsed.getHeader().getType().getType()).isEqualTo("at+jwt");
    assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(parsed.getJWTClaimsSet().getClaims())
        .containsKeys("iss", "exp", "aud", "sub", "client_id", "iat", "jti");
  }

  @Test
  void accessTokensMustExpireAndNameIssuerAndAudience() {
    SigningKey key = SigningKey.of(JwtKey.parse("HS256", AccessTokenVerifierTest.SECRET));
    assertThatThrownBy(
            () ->
                TokenMinter.mintAccessToken(
                    key,
                    new TokenMinter.AccessTokenRequest(
                        "https://localhost",
                        AccessTokenVerifierTest.RESOURCE,
                        null,
                        List.of(),
                        List.of(),
                        null,
                        null),
                    CLOCK))
        .hasMessage("ttl: null (expected: > 0; access tokens expire)");
    assertThatThrownBy(
            () ->
                TokenMinter.mintAccessToken(
                    key,
                    new TokenMinter.AccessTokenRequest(
                        "https://localhost",
                        null,
                        null,
                        List.of(),
                        List.of(),
                        null,
                        Duration.ofMinutes(1)),
                    CLOCK))
        .hasMessage("audience: missing (expected: the hub's resource identifier)");
  }
}
