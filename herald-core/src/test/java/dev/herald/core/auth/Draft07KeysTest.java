package dev.herald.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Draft-07 tokens: the namespaced claim of identity providers, and keys from a JWK Set ({@code
 * --jwt-jwks}), with the draft-07 rules otherwise unchanged: no typ, aud or iss check.
 */
class Draft07KeysTest {

  private static final String SECRET = "!ChangeThisMercureHubJWTSecretKey!";
  private static final KeyPair EC = TestKeys.ec("secp256r1");

  private final MutableClock clock = new MutableClock(AccessTokenVerifierTest.NOW);
  private final TokenVerifier hs256 = new TokenVerifier(JwtKey.parse("HS256", SECRET), clock);

  private static String hs256Token(JWTClaimsSet claims) throws Exception {
    return AccessTokenVerifierTest.sign(
        new JWSHeader(JWSAlgorithm.HS256), new MACSigner(SECRET), claims);
  }

  @Test
  void namespacedClaimGrantsLikeTheMercureClaim() throws Exception {
    String token =
        hs256Token(
            new JWTClaimsSet.Builder()
                .claim(
                    "https://mercure.rocks/",
                    Map.of(
                        "publish",
                        List.of("a"),
                        "subscribe",
                        List.of("b"),
                        "payload",
                        Map.of("user", "alice")))
                .build());

    Claims claims = hs256.verify(token);

    assertThat(claims.publish()).containsExactly("a");
    assertThat(claims.subscribe()).containsExactly("b");
    assertThat(claims.payload()).isEqualTo(Map.of("user", "alice"));
  }

  @Test
  void theMercureClaimWinsOverTheNamespacedOne() throws Exception {
    String token =
        hs256Token(
            new JWTClaimsSet.Builder()
                .claim("mercure", Map.of("publish", List.of("plain")))
                .claim("https://mercure.rocks/", Map.of("publish", List.of("namespaced")))
                .build());
    assertThat(hs256.verify(token).publish()).containsExactly("plain");
  }

  @Test
  void malformedNamespacedClaimIsRejectedLikeAMalformedMercureClaim() throws Exception {
    String token =
        hs256Token(
            new JWTClaimsSet.Builder()
                .claim("https://mercure.rocks/", Map.of("publish", "a"))
                .build());
    assertThatThrownBy(() -> hs256.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessage("mercure.publish is not an array of topic selectors");
  }

  @Test
  void draft07StaysAsStrictAsBeforeAndNoStricter() throws Exception {
    // No typ, aud or iss needed; exp optional.
    assertThat(
            hs256
                .verify(
                    hs256Token(
                        new JWTClaimsSet.Builder()
                            .claim("mercure", Map.of("publish", List.of("*")))
                            .build()))
                .publish())
        .containsExactly("*");
    // An access token's typ is no reason to reject a draft-07 token either.
    String typed =
        AccessTokenVerifierTest.sign(
            AccessTokenVerifierTest.at(JWSAlgorithm.HS256).build(),
            new MACSigner(SECRET),
            new JWTClaimsSet.Builder().claim("mercure", Map.of("publish", List.of("*"))).build());
    assertThat(hs256.verify(typed).publish()).containsExactly("*");
    // The configured algorithm only.
    String hs512 =
        AccessTokenVerifierTest.sign(
            new JWSHeader(JWSAlgorithm.HS512),
            new MACSigner(SECRET.repeat(2)),
            new JWTClaimsSet.Builder().build());
    assertThatThrownBy(
            () -> new TokenVerifier(JwtKey.parse("HS256", SECRET.repeat(2)), clock).verify(hs512))
        .hasMessage("token algorithm HS512 not accepted (expected: HS256)");
  }

  @Test
  void keysFromAJwkSetVerifyDraft07TokensByKid() throws Exception {
    try (JwksServer server = new JwksServer();
        KeyRefresher refresher = new KeyRefresher()) {
      JWK jwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic()).keyID("k1").build();
      server.serve(List.of(jwk));
      JwksKeySource source =
          new JwksKeySource(
              server.url(),
              Algorithms.DRAFT_07,
              JwksKeySource.Fetcher.standard(),
              refresher,
              clock,
              Duration.ofSeconds(30),
              Duration.ofMinutes(5));
      source.start().get(10, TimeUnit.SECONDS);
      TokenVerifier verifier = new TokenVerifier(source, clock);

      String token =
          AccessTokenVerifierTest.sign(
              new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
              new ECDSASigner((ECPrivateKey) EC.getPrivate()),
              new JWTClaimsSet.Builder()
                  .claim("mercure", Map.of("subscribe", List.of("x")))
                  .build());
      assertThat(verifier.verify(token).subscribe()).containsExactly("x");

      String hs = hs256Token(new JWTClaimsSet.Builder().build());
      assertThatThrownBy(() -> verifier.verify(hs))
          .hasMessage("token algorithm HS256 not accepted (expected: ES256)");

      String unknownKid =
          AccessTokenVerifierTest.sign(
              new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k2").build(),
              new ECDSASigner((ECPrivateKey) EC.getPrivate()),
              new JWTClaimsSet.Builder().build());
      assertThatThrownBy(() -> verifier.verify(unknownKid))
          .hasMessageStartingWith("kid: k2 is not among the keys of JWK Set " + server.url());
    }
  }
}
