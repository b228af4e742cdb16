package dev.herald.cli;

import static dev.herald.cli.HubFixture.SECRET;
import static dev.herald.cli.HubFixture.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security defaults of {@code serve}, over real sockets: anonymous subscribers only in
 * development mode unless asked for, said at start-up; one algorithm per role, from options or from
 * Mercure's variables; and the limits line of the start-up banner.
 */
class SecurityDefaultsTest {

  private static final String TOPIC = "https://example.com/books/1";

  @TempDir Path temp;

  @Test
  void withAKeyAnonymousSubscribersAreRefusedUnlessAskedFor() throws Exception {
    try (Cli cli = new Cli()) {
      String hub =
          HubFixture.hubUrl(
              cli.start("serve", "--listen", "127.0.0.1:0", "--jwt-key", SECRET).awaitServer());
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, null)).isEqualTo(401);
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, token(SECRET, null, List.of("*"))))
          .isEqualTo(200);
      assertThat(cli.out())
          .contains(
              "anonymous:  off: subscribers need a token (a key is"
                  + " configured; --anonymous allows subscribers without one)");
    }
  }

  @Test
  void withAKeyAndAnonymousAnonymousSubscribersGetIn() throws Exception {
    try (Cli cli = new Cli()) {
      String hub =
          HubFixture.hubUrl(
              cli.start("serve", "--listen", "127.0.0.1:0", "--jwt-key", SECRET, "--anonymous")
                  .awaitServer());
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, null)).isEqualTo(200);
      assertThat(cli.out()).contains("anonymous:  on (--anonymous)");
    }
  }

  @Test
  void inDevelopmentModeAnonymousSubscribersGetInUnlessTurnedOff() throws Exception {
    try (Cli cli = new Cli()) {
      String hub = HubFixture.hubUrl(cli.start("serve", "--listen", "127.0.0.1:0").awaitServer());
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, null)).isEqualTo(200);
      assertThat(cli.out())
          .contains(
              "anonymous:  on: subscribers without a token get public"
                  + " updates (development mode; --no-anonymous turns it off)");
    }
    try (Cli cli = new Cli()) {
      String hub =
          HubFixture.hubUrl(
              cli.start("serve", "--listen", "127.0.0.1:0", "--no-anonymous").awaitServer());
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, null)).isEqualTo(401);
      assertThat(cli.out()).contains("anonymous:  off (--no-anonymous)");
    }
  }

  /** An ES256 key pair: the public half as a PEM file, the private half to sign with. */
  private KeyPair ecKeys(Path pem) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Files.writeString(
        pem,
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pair.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
    return pair;
  }

  private static String es256Subscriber(KeyPair keys) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.ES256),
            new JWTClaimsSet.Builder().claim("mercure", Map.of("subscribe", List.of("*"))).build());
    jwt.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));
    return jwt.serialize();
  }

  @Test
  void eachRoleHasItsOwnAlgorithm() throws Exception {
    Path pem = temp.resolve("subscriber.pem");
    KeyPair keys = ecKeys(pem);
    try (Cli cli = new Cli()) {
      String hub =
          HubFixture.hubUrl(
              cli.start(
                      "serve",
                      "--listen",
                      "127.0.0.1:0",
                      "--publisher-jwt-key",
                      SECRET,
                      "--subscriber-jwt-alg",
                      "ES256",
                      "--subscriber-jwt-key",
                      pem.toString())
                  .awaitServer());
      assertThat(
              HubFixture.publish(hub, token(SECRET, List.of("*"), null), "topic=t&data=x")
                  .statusCode())
          .as("HS256 publisher, the --jwt-alg default")
          .isEqualTo(200);
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, es256Subscriber(keys))).isEqualTo(200);
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, token(SECRET, null, List.of("*"))))
          .as("an HS256 token for the ES256 role")
          .isEqualTo(401);
    }
  }

  @Test
  void mercureAlgorithmVariablesAreHonoured() throws Exception {
    Path pem = temp.resolve("subscriber.pem");
    KeyPair keys = ecKeys(pem);
    Map<String, String> env =
        Map.of(
            "HERALD_LISTEN", "127.0.0.1:0",
            "MERCURE_PUBLISHER_JWT_KEY", SECRET,
            "MERCURE_PUBLISHER_JWT_ALG", "HS256",
            "MERCURE_SUBSCRIBER_JWT_KEY", pem.toString(),
            "MERCURE_SUBSCRIBER_JWT_ALG", "ES256");
    try (Cli cli = new Cli(env)) {
      String hub = HubFixture.hubUrl(cli.start().awaitServer());
      assertThat(HubFixture.subscribeStatus(hub, TOPIC, es256Subscriber(keys))).isEqualTo(200);
      assertThat(
              HubFixture.publish(hub, token(SECRET, List.of("*"), null), "topic=t&data=x")
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void aWrongRoleAlgorithmIsOneLine() throws Exception {
    try (Cli cli = new Cli()) {
      int exit =
          cli.start(
                  "serve",
                  "--listen",
                  "127.0.0.1:0",
                  "--jwt-key",
                  SECRET,
                  "--subscriber-jwt-alg",
                  "XX1")
              .awaitExit();
      assertThat(exit).isEqualTo(Main.USAGE_ERROR);
      assertThat(cli.errLines())
          .singleElement()
          .asString()
          .startsWith("serve: jwt-alg: XX1 (expected one of: HS256");
    }
  }

  @Test
  void theLimitsLineShowsTheDefaults() throws Exception {
    // That the options default to Limits.DEFAULTS is ServeDefaultsTest's; this is what serve says.
    try (Cli cli = new Cli()) {
      cli.start("serve", "--listen", "127.0.0.1:0").awaitServer();
      assertThat(cli.out())
          .contains("  limits:     ")
          .contains(
              " connections (from the open-file"
                  + " limit); request head within 10s, body within 30s, idle 1m");
    }
  }
}
