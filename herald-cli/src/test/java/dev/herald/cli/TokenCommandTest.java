package dev.herald.cli;

import static dev.herald.cli.HubFixture.KEY;
import static dev.herald.cli.HubFixture.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.auth.AccessClaims;
import dev.herald.core.auth.AccessTokenVerifier;
import dev.herald.core.auth.Claims;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.MatcherCompiler;
import dev.herald.core.auth.TokenVerifier;
import dev.herald.core.auth.TrustedIssuers;
import dev.herald.server.HeraldServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {

  private static String mint(String... options) {
    Cli cli = new Cli();
    List<String> args = new ArrayList<>(List.of("token", "--key", SECRET));
    args.addAll(List.of(options));
    assertThat(cli.run(args.toArray(String[]::new))).as(cli.err()).isZero();
    assertThat(cli.err()).isEmpty();
    assertThat(cli.out().lines()).hasSize(1);
    return cli.out().strip();
  }

  @Test
  void claimsAreWhatTheHubsVerifierReads() throws Exception {
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String token =
        mint(
            "--publish",
            "https://example.com/books/{id}",
            "--subscribe",
            "https://example.com/a,https://example.com/b",
            "--payload",
            "{\"user\":\"alice\",\"roles\":[\"admin\"]}",
            "--ttl",
            "1h");
    Instant after = Instant.now();

    Claims claims = new TokenVerifier(KEY, Clock.systemUTC()).verify(token);
    assertThat(claims.publish()).containsExactly("https://example.com/books/{id}");
    assertThat(claims.subscribe())
        .containsExactly("https://example.com/a", "https://example.com/b");
    assertThat(claims.payload()).isEqualTo(Map.of("user", "alice", "roles", List.of("admin")));
    assertThat(claims.expiresAt())
        .isBetween(before.plus(Duration.ofHours(1)), after.plus(Duration.ofHours(1)));
  }

  @Test
  void commasSeparateSelectorsButNotTemplateVariables() throws Exception {
    String token =
        mint(
            "--publish",
            "https://example.com/books{?page,sort},urn:a",
            "--publish",
            "https://example.com/{x,y}/z",
            "--subscribe",
            "https://example.com/{+p,q}");
    Claims claims = new TokenVerifier(KEY, Clock.systemUTC()).verify(token);
    assertThat(claims.publish())
        .containsExactly(
            "https://example.com/books{?page,sort}", "urn:a", "https://example.com/{x,y}/z");
    assertThat(claims.subscribe()).containsExactly("https://example.com/{+p,q}");
  }

  @Test
  void withoutTtlTheTokenDoesNotExpire() throws Exception {
    Claims claims = new TokenVerifier(KEY, Clock.systemUTC()).verify(mint("--publish", "*"));
    assertThat(claims.expiresAt()).isNull();
    assertThat(claims.subscribe()).isEmpty();
  }

  @Test
  void aMintedTokenPublishesToARunningHub() throws Exception {
    String token = mint("--publish", "https://example.com/books/{id}");
    try (HeraldServer server = HubFixture.start()) {
      Cli cli = new Cli();
      int exit =
          cli.run(
              "publish",
              "--hub",
              HubFixture.hubUrl(server),
              "--topic",
              "https://example.com/books/1",
              "--data",
              "x",
              "--token",
              token);
      assertThat(exit).as(cli.err()).isZero();
      exit =
          cli.run(
              "publish",
              "--hub",
              HubFixture.hubUrl(server),
              "--topic",
              "https://example.com/films/1",
              "--data",
              "x",
              "--token",
              token);
      assertThat(exit).as("topic outside mercure.publish").isEqualTo(1);
      assertThat(cli.errLines()).singleElement().asString().startsWith("publish: HTTP 403: ");
    }
  }

  @Test
  void payloadThatIsNotAJsonObjectIsAUsageError() {
    for (String payload : new String[] {"{user", "[1]", "\"alice\""}) {
      Cli cli = new Cli();
      assertThat(cli.run("token", "--key", SECRET, "--payload", payload))
          .as(payload)
          .isEqualTo(Main.USAGE_ERROR);
      assertThat(cli.errLines())
          .as(payload)
          .containsExactly(
              "token: --payload: "
                  + payload
                  + " (expected: a JSON object, e.g. {\"user\":\"alice\"})");
      assertThat(cli.out()).isEmpty();
    }
  }

  private static final String ISSUER = "https://localhost";
  private static final String RESOURCE = "https://localhost/.well-known/mercure";

  private static java.security.KeyPair ecKeyPair() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static AccessTokenVerifier accessVerifier(String keySource) {
    return new AccessTokenVerifier(
        RESOURCE,
        TrustedIssuers.parse(List.of(ISSUER + "=" + keySource), Runnable::run),
        MatcherCompiler.exactOnly(),
        Clock.systemUTC());
  }

  @Test
  void issuerAndAudienceMintADraft08AccessTokenTheHubAccepts() throws Exception {
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String token =
        mint(
            "--issuer",
            ISSUER,
            "--audience",
            RESOURCE,
            "--subject",
            "alice",
            "--publish",
            "https://example.com/books/1",
            "--subscribe",
            "*",
            "--payload",
            "{\"user\":\"alice\"}");

    AccessClaims claims = accessVerifier(SECRET).verify(token);
    assertThat(claims.subject()).isEqualTo("alice");
    assertThat(claims.mayPublish("https://example.com/books/1")).isTrue();
    assertThat(claims.mayPublish("https://example.com/books/2")).isFalse();
    assertThat(claims.mayReceive(List.of("https://example.com/anything"))).isTrue();
    assertThat(claims.payloadFor("https://example.com/x")).isEqualTo(Map.of("user", "alice"));
    assertThat(claims.expiresAt())
        .as("access tokens expire: 1h by default")
        .isBetween(before.plus(Duration.ofHours(1)), Instant.now().plus(Duration.ofHours(1)));
    // The same token is no draft-07 token to a hub checking the draft-08 rules only by typ.
    assertThat(AccessTokenVerifier.looksLikeAccessToken(token)).isTrue();
  }

  @Test
  void matchTypeIsWrittenIntoEveryMatcher() throws Exception {
    String token =
        mint(
            "--issuer",
            ISSUER,
            "--audience",
            RESOURCE,
            "--subscribe",
            "https://example.com/books/:id",
            "--match-type",
            "urlpattern");
    Map<String, Object> detail =
        (Map<String, Object>)
            ((List<?>)
                    com.nimbusds.jwt.SignedJWT.parse(token)
                        .getJWTClaimsSet()
                        .getClaim("authorization_details"))
                .get(0);
    assertThat(detail.get("topics"))
        .isEqualTo(
            List.of(Map.of("match", "https://example.com/books/:id", "match_type", "urlpattern")));
    assertThat(detail.get("actions")).isEqualTo(List.of("subscribe"));
  }

  @Test
  void anEcPrivateKeySignsBothProtocolsTokens(@TempDir Path dir) throws Exception {
    java.security.KeyPair pair = ecKeyPair();
    Path privatePem = dir.resolve("issuer.key");
    Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());

    Cli cli = new Cli();
    assertThat(cli.run("token", "--private-key", privatePem.toString(), "--publish", "*"))
        .as(cli.err())
        .isZero();
    Claims draft07 =
        new TokenVerifier(JwtKey.parse("ES256", publicPem), Clock.systemUTC())
            .verify(cli.out().strip());
    assertThat(draft07.publish()).containsExactly("*");

    cli = new Cli();
    assertThat(
            cli.run(
                "token",
                "--private-key",
                privatePem.toString(),
                "--issuer",
                ISSUER,
                "--audience",
                RESOURCE,
                "--publish",
                "*"))
        .as(cli.err())
        .isZero();
    assertThat(accessVerifier(publicPem).verify(cli.out().strip()).mayPublish("x")).isTrue();
  }

  @Test
  void tokenOptionMistakesAreUsageErrors(@TempDir Path dir) {
    String[][] cases = {
      {
        "token: key: none given (expected: exactly one of --key SECRET and --private-key FILE)",
        "token"
      },
      {
        "token: key: both given (expected: exactly one of --key SECRET and --private-key FILE)",
        "token",
        "--key",
        SECRET,
        "--private-key",
        dir.resolve("k.pem").toString()
      },
      {
        "token: audience: missing (expected: both --issuer and --audience for a draft-08 access"
            + " token)",
        "token",
        "--key",
        SECRET,
        "--issuer",
        ISSUER
      },
      {
        "token: match-type: regex (expected: exact or urlpattern)",
        "token",
        "--key",
        SECRET,
        "--issuer",
        ISSUER,
        "--audience",
        RESOURCE,
        "--match-type",
        "regex"
      },
      {
        "token: match-type: set without --issuer (expected: --issuer and --audience, for a"
            + " draft-08 access token)",
        "token",
        "--key",
        SECRET,
        "--match-type",
        "exact"
      },
      {
        "token: private-key: cannot read " + dir.resolve("missing.pem") + " (NoSuchFileException)",
        "token",
        "--private-key",
        dir.resolve("missing.pem").toString()
      },
    };
    for (String[] c : cases) {
      Cli cli = new Cli();
      assertThat(cli.run(java.util.Arrays.copyOfRange(c, 1, c.length)))
          .as(c[0])
          .isEqualTo(Main.USAGE_ERROR);
      assertThat(cli.errLines()).containsExactly(c[0]);
      assertThat(cli.out()).isEmpty();
    }
  }

  @Test
  void wrongKeyOrTtlIsAUsageError() {
    Cli cli = new Cli();
    assertThat(cli.run("token", "--key", "short")).isEqualTo(Main.USAGE_ERROR);
    assertThat(cli.errLines()).singleElement().asString().startsWith("token: jwt-key: 40 bits");

    cli = new Cli();
    assertThat(cli.run("token", "--key", SECRET, "--ttl", "0")).isEqualTo(Main.USAGE_ERROR);
    assertThat(cli.errLines()).containsExactly("token: ttl: PT0S (expected: > 0, or none)");

    cli = new Cli();
    assertThat(cli.run("token", "--key", SECRET, "--ttl", "soon")).isEqualTo(Main.USAGE_ERROR);
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .contains("'soon'", "expected: a duration");
  }
}
