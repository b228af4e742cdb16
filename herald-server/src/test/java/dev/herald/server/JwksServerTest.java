package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Draft-07 tokens verified with the keys of a JWK Set ({@code --jwt-jwks}), over real sockets. */
class JwksServerTest extends ServerTestBase {

  @TempDir static Path dir;

  private static final KeyPair EC = generate();
  private static Path jwks;

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  ServerConfig.Builder config() {
    try {
      if (jwks == null) {
        jwks = dir.resolve("jwks.json");
        Files.writeString(
            jwks,
            new JWKSet(
                    new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic())
                        .keyID("k1")
                        .build())
                .toString(true));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return super.config()
        .publisherKey(null)
        .subscriberKey(null)
        .protocols(ProtocolConfig.DEFAULTS.withJwtJwks(jwks.toUri().toString()));
  }

  private static String es256(String kid, Map<String, Object> mercure) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
            new JWTClaimsSet.Builder().claim("mercure", mercure).build());
    jwt.sign(new ECDSASigner((ECPrivateKey) EC.getPrivate()));
    return jwt.serialize();
  }

  @Test
  void aTokenSignedWithAKeyOfTheSetPublishesAndAnUnknownKidIsRefused() throws Exception {
    String publisher = es256("k1", Map.of("publish", List.of("*")));
    // The set is read on the refresher thread after start: wait for it, never sleep.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                publish("topic=t&data=x", Map.of("Authorization", "Bearer " + publisher))
                        .statusCode()
                    == 200);

    HttpResponse<String> unknown =
        publish(
            "topic=t&data=x",
            Map.of("Authorization", "Bearer " + es256("k2", Map.of("publish", List.of("*")))));
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.body()).contains("kid: k2 is not among the keys of JWK Set");
    HttpResponse<String> hmac =
        publish("topic=t&data=x", Map.of("Authorization", "Bearer " + PUBLISHER));
    assertThat(hmac.statusCode()).isEqualTo(401);
    assertThat(hmac.body()).contains("token algorithm HS256 not accepted (expected: ES256)");
  }
}
