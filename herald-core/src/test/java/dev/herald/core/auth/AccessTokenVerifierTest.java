package dev.herald.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.core.HubException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rule of draft-08 "Token Validation" and "Authorization Details". */
class AccessTokenVerifierTest {

  static final String SECRET = "!ChangeThisMercureHubJWTSecretKey!";
  static final String ISSUER = "https://localhost";
  static final String RESOURCE = "https://localhost/.well-known/mercure";
  static final String EC_ISSUER = "https://auth.example.com";
  static final Instant NOW = Instant.parse("2026-11-25T06:00:00Z");

  static final KeyPair EC = TestKeys.ec("secp256r1");
  static final KeyPair OTHER_EC = TestKeys.ec("secp256r1");

  private final MutableClock clock = new MutableClock(NOW);
  private final AccessTokenVerifier verifier =
      new AccessTokenVerifier(
          RESOURCE,
          TrustedIssuers.parse(
              List.of(ISSUER + "=" + SECRET, EC_ISSUER + "=" + TestKeys.pem(EC.getPublic())),
              Runnable::run),
          MatcherCompiler.exactOnly(),
          clock);

  static Map<String, Object> detail(List<String> actions, List<Map<String, Object>> topics) {
    return Map.of("type", AuthorizationDetails.TYPE, "actions", actions, "topics", topics);
  }

  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(RESOURCE)
        .subject("urn:uuid:bb3de268-05b0-4c65-b44e-8f9acefc29d6")
        .claim("client_id", ISSUER)
        .issueTime(Date.from(NOW))
        .expirationTime(Date.from(NOW.plusSeconds(300)))
        .jwtID("urn:uuid:e70ff8d7-59d5-4a92-b0b7-505e8f6d09fa")
        .claim(
            "authorization_details",
            List.of(
                detail(
                    List.of("publish", "subscribe"),
                    List.of(Map.of("match", "https://example.com/books/1")))));
  }

  static String sign(JWSHeader header, JWSSigner signer, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  static JWSHeader.Builder at(JWSAlgorithm alg) {
    return new JWSHeader.Builder(alg).type(new JOSEObjectType("at+jwt"));
  }

  static String hs256(JWTClaimsSet claims) {
    try {
      return sign(at(JWSAlgorithm.HS256).build(), new MACSigner(SECRET), claims);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String withDetails(Object details) {
    return hs256(claims().claim("authorization_details", details).build());
  }

  private void rejected(String token, String message) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining(message);
  }

  @Test
  void conformingTokenYieldsIssuerSubjectExpiryAndGrants() throws Exception {
    AccessClaims claims = verifier.verify(hs256(claims().build()));

    assertThat(claims.issuer()).isEqualTo(ISSUER);
    assertThat(claims.subject()).isEqualTo("urn:uuid:bb3de268-05b0-4c65-b44e-8f9acefc29d6");
    assertThat(claims.expiresAt()).isEqualTo(NOW.plusSeconds(300));
    assertThat(claims.mayPublish("https://example.com/books/1")).isTrue();
    assertThat(claims.mayPublish("https://example.com/books/2")).isFalse();
    assertThat(
            claims.mayReceive(
                List.of("https://example.com/books/2", "https://example.com/books/1")))
        .as("an alternate topic suffices")
        .isTrue();
  }

  // --- typ

  @ParameterizedTest
  @ValueSource(strings = {"at+jwt", "application/at+jwt", "AT+JWT", "Application/At+Jwt"})
  void typIsAtJwtWithOrWithoutApplicationPrefixInAnyCase(String typ) throws Exception {
    String token =
        sign(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(typ)).build(),
            new MACSigner(SECRET),
            claims().build());
    assertThat(verifier.verify(token).issuer()).isEqualTo(ISSUER);
    assertThat(AccessTokenVerifier.looksLikeAccessToken(token)).isTrue();
  }

  @Test
  void typJwtIsRejectedSoIdTokensAndDraft07TokensDoNotPass() throws Exception {
    String token =
        sign(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
            new MACSigner(SECRET),
            claims().build());
    rejected(token, "typ: JWT (expected: at+jwt");
    assertThat(AccessTokenVerifier.looksLikeAccessToken(token)).isFalse();
  }

  @Test
  void missingTypIsRejected() throws Exception {
    String token =
        sign(
            new JWSHeader.Builder(JWSAlgorithm.HS256).build(),
            new MACSigner(SECRET),
            claims().build());
    rejected(token, "typ: missing (expected: at+jwt");
  }

  // --- alg

  @Test
  void algNoneIsRejected() {
    String token =
        new PlainJWT(
                new PlainHeader.Builder().type(new JOSEObjectType("at+jwt")).build(),
                claims().build())
            .serialize();
    rejected(token, "unsigned tokens (alg: none) are rejected");
  }

  @Test
  void algorithmOutsideTheAllowlistIsRejectedBeforeAnyKeyIsTried() throws Exception {
    // ES256K is a real, signed algorithm, but not on the hub's list.
    String token =
        new SignedJWT(at(JWSAlgorithm.ES256K).build(), claims().build()).getHeader().toBase64URL()
            + "."
            + claims().build().toPayload().toBase64URL()
            + ".c2ln";
    rejected(token, "token algorithm ES256K not accepted");
  }

  @Test
  void hmacTokenForAnIssuerWithAnEcKeyIsRejected() throws Exception {
    // Algorithm confusion: the attacker "signs" HS256 with the issuer's public key bytes.
    byte[] publicBytes = EC.getPublic().getEncoded();
    String token =
        sign(
            at(JWSAlgorithm.HS256).build(),
            new MACSigner(publicBytes),
            claims().issuer(EC_ISSUER).build());
    rejected(token, "no key of issuer " + EC_ISSUER + " accepts HS256");
  }

  @Test
  void es256TokenOfTheEcIssuerIsAccepted() throws Exception {
    String token =
        sign(
            at(JWSAlgorithm.ES256).build(),
            new ECDSASigner((ECPrivateKey) EC.getPrivate()),
            claims().issuer(EC_ISSUER).build());
    assertThat(verifier.verify(token).issuer()).isEqualTo(EC_ISSUER);
  }

  @Test
  void eddsaTokensVerifyWithAnEd25519JwkThroughTheJdk() throws Exception {
    KeyPair ed = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = ed.getPublic().getEncoded();
    byte[] raw = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    com.nimbusds.jose.jwk.OctetKeyPair jwk =
        new com.nimbusds.jose.jwk.OctetKeyPair.Builder(
                Curve.Ed25519, com.nimbusds.jose.util.Base64URL.encode(raw))
            .keyID("ed")
            .build();
    AccessTokenVerifier edVerifier =
        new AccessTokenVerifier(
            RESOURCE,
            TrustedIssuers.of(
                EC_ISSUER,
                KeySource.fixed("ed", List.of(TrustedKey.fromJwk(jwk, Algorithms.ACCESS_TOKENS)))),
            MatcherCompiler.exactOnly(),
            clock);
    String input =
        at(JWSAlgorithm.EdDSA).keyID("ed").build().toBase64URL()
            + "."
            + claims().issuer(EC_ISSUER).build().toPayload().toBase64URL();
    java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
    signer.initSign(ed.getPrivate());
    signer.update(input.getBytes(StandardCharsets.US_ASCII));
    String signature = com.nimbusds.jose.util.Base64URL.encode(signer.sign()).toString();

    assertThat(edVerifier.verify(input + "." + signature).issuer()).isEqualTo(EC_ISSUER);
    String tampered = input + "." + com.nimbusds.jose.util.Base64URL.encode(new byte[64]);
    assertThatThrownBy(() -> edVerifier.verify(tampered))
        .hasMessageContaining("signature does not verify");
  }

  // --- keys chosen by issuer only

  @Test
  void embeddedJwkHeaderIsNeverUsed() throws Exception {
    ECKey attacker = new ECKey.Builder(Curve.P_256, (ECPublicKey) OTHER_EC.getPublic()).build();
    String token =
        sign(
            at(JWSAlgorithm.ES256).jwk(attacker).build(),
            new ECDSASigner((ECPrivateKey) OTHER_EC.getPrivate()),
            claims().issuer(EC_ISSUER).build());
    rejected(token, "signature does not verify with the keys of issuer " + EC_ISSUER);
  }

  @Test
  void jkuAndX5uHeadersAreNeverFetched() throws Exception {
    String token =
        sign(
            at(JWSAlgorithm.ES256)
                .jwkURL(URI.create("http://127.0.0.1:1/attacker-jwks.json"))
                .x509CertURL(URI.create("http://127.0.0.1:1/attacker.pem"))
                .build(),
            new ECDSASigner((ECPrivateKey) OTHER_EC.getPrivate()),
            claims().issuer(EC_ISSUER).build());
    rejected(token, "signature does not verify with the keys of issuer " + EC_ISSUER);
  }

  @Test
  void aTokenSignedByOneTrustedIssuerCannotClaimAnother() throws Exception {
    // Signed with the HMAC issuer's secret, but claiming the EC issuer: its keys only are used.
    String token =
        sign(
            at(JWSAlgorithm.HS256).build(),
            new MACSigner(SECRET),
            claims().issuer(EC_ISSUER).build());
    rejected(token, "no key of issuer " + EC_ISSUER + " accepts HS256");
    String es =
        sign(
            at(JWSAlgorithm.ES256).build(),
            new ECDSASigner((ECPrivateKey) EC.getPrivate()),
            claims().build());
    rejected(es, "no key of issuer " + ISSUER + " accepts ES256");
  }

  @Test
  void kidSelectsAmongAnIssuersKeysAndAnUnknownKidFallsBackToKeysWithoutOne() throws Exception {
    RSAKey first =
        new RSAKey.Builder((java.security.interfaces.RSAPublicKey) TestKeys.RSA.getPublic())
            .keyID("first")
            .build();
    ECKey second =
        new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic()).keyID("second").build();
    KeySource keys =
        KeySource.fixed(
            "two keys",
            List.of(
                TrustedKey.fromJwk(first, Algorithms.ACCESS_TOKENS),
                TrustedKey.fromJwk(second, Algorithms.ACCESS_TOKENS)));
    AccessTokenVerifier twoKeys =
        new AccessTokenVerifier(
            RESOURCE, TrustedIssuers.of(EC_ISSUER, keys), MatcherCompiler.exactOnly(), clock);

    String rs =
        sign(
            at(JWSAlgorithm.RS256).keyID("first").build(),
            new RSASSASigner(TestKeys.RSA.getPrivate()),
            claims().issuer(EC_ISSUER).build());
    String es =
        sign(
            at(JWSAlgorithm.ES256).keyID("second").build(),
            new ECDSASigner((ECPrivateKey) EC.getPrivate()),
            claims().issuer(EC_ISSUER).build());
    String unknown =
        sign(
            at(JWSAlgorithm.ES256).keyID("third").build(),
            new ECDSASigner((ECPrivateKey) EC.getPrivate()),
            claims().issuer(EC_ISSUER).build());

    assertThat(twoKeys.verify(rs).issuer()).isEqualTo(EC_ISSUER);
    assertThat(twoKeys.verify(es).issuer()).isEqualTo(EC_ISSUER);
    assertThatThrownBy(() -> twoKeys.verify(unknown))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("kid: third is not among the keys of issuer " + EC_ISSUER);
  }

  // --- iss

  @Test
  void missingIssIsRejected() {
    rejected(
        hs256(new JWTClaimsSet.Builder(claims().build()).issuer(null).build()), "iss: missing");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://localhost/",
        "HTTPS://localhost",
        "https://localhost:443",
        "https://evil.example"
      })
  void issMustMatchATrustedIssuerExactly(String iss) {
    rejected(hs256(claims().issuer(iss).build()), "iss: " + iss + " is not a trusted issuer");
  }

  // --- exp, nbf

  @Test
  void missingExpIsRejected() {
    rejected(
        hs256(claims().expirationTime(null).build()),
        "exp: missing (expected: access tokens expire)");
  }

  @Test
  void expiredTokenIsRejectedAtItsExpiryInstant() throws Exception {
    String token = hs256(claims().build());
    verifier.verify(token); // cached now: the time check must still run on the next use
    clock.advance(Duration.ofSeconds(300));
    rejected(token, "token expired at " + NOW.plusSeconds(300));
  }

  @Test
  void tokenNotYetValidIsRejectedUntilItsNbf() throws Exception {
    String token = hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(60))).build());
    rejected(token, "token not valid before " + NOW.plusSeconds(60));
    clock.advance(Duration.ofSeconds(60));
    assertThat(verifier.verify(token).issuer()).isEqualTo(ISSUER);
  }

  // --- aud

  @Test
  void missingAudIsRejected() {
    rejected(hs256(claims().audience((String) null).build()), "aud: missing");
  }

  @Test
  void audienceOfAnotherHubIsRejected() {
    rejected(
        hs256(claims().audience("https://other.example/.well-known/mercure").build()),
        "expected: to contain the hub's resource identifier " + RESOURCE);
  }

  @Test
  void audienceArrayContainingTheResourceIsAccepted() throws Exception {
    String token = hs256(claims().audience(List.of("https://api.example", RESOURCE)).build());
    assertThat(verifier.verify(token).issuer()).isEqualTo(ISSUER);
  }

  // --- signature

  @Test
  void tokenSignedWithAnotherSecretIsRejected() throws Exception {
    String token =
        sign(
            at(JWSAlgorithm.HS256).build(),
            new MACSigner("a-different-secret-that-is-long-enough!"),
            claims().build());
    rejected(token, "signature does not verify with the keys of issuer " + ISSUER);
  }

  // --- authorization_details: all or nothing

  @Test
  void noAuthorizationDetailsGrantNothing() throws Exception {
    AccessClaims claims =
        verifier.verify(hs256(claims().claim("authorization_details", null).build()));
    assertThat(claims.grants()).isEmpty();
    assertThatThrownBy(() -> claims.authorizePublish(List.of("https://example.com/books/1")))
        .isInstanceOf(HubException.class)
        .satisfies(
            e -> assertThat(((HubException) e).kind()).isEqualTo(HubException.Kind.FORBIDDEN));
  }

  @Test
  void publishingOutsideTheGrantsIsForbiddenForEveryTopicCanonicalOrAlternate() throws Exception {
    AccessClaims claims = verifier.verify(hs256(claims().build()));
    claims.authorizePublish(List.of("https://example.com/books/1"));
    assertThatThrownBy(
            () ->
                claims.authorizePublish(
                    List.of("https://example.com/books/1", "https://example.com/books/2")))
        .isInstanceOf(HubException.class)
        .hasMessage(
            "topic: https://example.com/books/2 is not covered by a publish grant of"
                + " the token's authorization_details");
  }

  @Test
  void detailsOfOtherTypesAndUnknownActionsGrantNothingButAreNotErrors() throws Exception {
    AccessClaims claims =
        verifier.verify(
            withDetails(
                List.of(
                    Map.of("type", "https://example.com/payment", "actions", List.of("publish")),
                    detail(List.of("read", "publish"), List.of(Map.of("match", "a"))),
                    detail(List.of("future-action"), List.of(Map.of("match", "b"))))));
    assertThat(claims.mayPublish("a")).isTrue();
    assertThat(claims.mayPublish("b")).isFalse();
    assertThat(claims.mayReceive(List.of("a", "b"))).isFalse();
  }

  @Test
  void wildcardMatchesEveryTopicWhateverTheMatchType() throws Exception {
    AccessClaims claims =
        verifier.verify(
            withDetails(
                List.of(
                    detail(
                        List.of("publish"), List.of(Map.of("match", "*", "match_type", "exact"))),
                    detail(List.of("subscribe"), List.of(Map.of("match", "*"))))));
    assertThat(claims.mayPublish("https://anything.example/x")).isTrue();
    assertThat(claims.mayReceive(List.of("urn:whatever"))).isTrue();
  }

  @Test
  void exactMatchingIsByteForByteWithoutNormalisation() throws Exception {
    AccessClaims claims =
        verifier.verify(
            withDetails(
                List.of(
                    detail(
                        List.of("publish"),
                        List.of(Map.of("match", "https://example.com/{id}"))))));
    assertThat(claims.mayPublish("https://example.com/{id}")).isTrue();
    assertThat(claims.mayPublish("https://example.com/1")).as("not a URI template").isFalse();
    assertThat(claims.mayPublish("https://EXAMPLE.com/{id}")).isFalse();
  }

  @Test
  void urlPatternGrantsMatchAgainstTheHubUrlAndABadPatternRejectsTheToken() throws Exception {
    AccessTokenVerifier withPatterns =
        new AccessTokenVerifier(
            RESOURCE,
            TrustedIssuers.parse(List.of(ISSUER + "=" + SECRET), Runnable::run),
            MatcherCompiler.forHub(RESOURCE),
            clock);
    AccessClaims claims =
        withPatterns.verify(
            withDetails(
                List.of(
                    detail(
                        List.of("subscribe"),
                        List.of(
                            Map.of(
                                "match",
                                "https://example.com/users/42/*",
                                "match_type",
                                "urlpattern"),
                            Map.of("match", "/books/:id", "match_type", "urlpattern"))))));
    assertThat(claims.mayReceive(List.of("https://example.com/users/42/books/1"))).isTrue();
    assertThat(claims.mayReceive(List.of("https://example.com/users/43/books/1"))).isFalse();
    assertThat(claims.mayReceive(List.of("https://localhost/books/7")))
        .as("relative to the hub")
        .isTrue();
    assertThat(claims.payloadFor("https://example.com/users/42/x")).isNull();

    String bad =
        withDetails(
            List.of(
                detail(
                    List.of("subscribe"),
                    List.of(
                        Map.of(
                            "match",
                            "https://example.com/(unclosed",
                            "match_type",
                            "urlpattern")))));
    assertThatThrownBy(() -> withPatterns.verify(bad))
        .isInstanceOf(AuthException.class)
        .hasMessageStartingWith("authorization_details[0].topics[0]: ");
  }

  @Test
  void thePayloadOfTheFirstSubscribeGrantMatchingTheSubscriptionWins() throws Exception {
    AccessClaims claims =
        verifier.verify(
            withDetails(
                List.of(
                    Map.of(
                        "type",
                        AuthorizationDetails.TYPE,
                        "actions",
                        List.of("subscribe"),
                        "topics",
                        List.of(Map.of("match", "https://example.com/foo")),
                        "payload",
                        Map.of("custom1", "foo")),
                    Map.of(
                        "type",
                        AuthorizationDetails.TYPE,
                        "actions",
                        List.of("subscribe"),
                        "topics",
                        List.of(Map.of("match", "*")),
                        "payload",
                        Map.of("custom3", "default")))));
    assertThat(claims.payloadFor("https://example.com/foo")).isEqualTo(Map.of("custom1", "foo"));
    assertThat(claims.payloadFor("https://example.com/bar"))
        .isEqualTo(Map.of("custom3", "default"));
  }

  @Test
  void authorizationDetailsThatIsNotAnArrayRejectsTheToken() {
    rejected(
        withDetails(Map.of("type", AuthorizationDetails.TYPE)),
        "authorization_details is not an array");
  }

  /** Each malformed Mercure detail, next to a valid one: the token is rejected as a whole. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "entry-not-object",
        "type-missing",
        "type-not-string",
        "actions-missing",
        "actions-empty",
        "actions-not-array",
        "action-not-string",
        "topics-missing",
        "topics-empty",
        "topics-not-array",
        "topic-not-object",
        "match-missing",
        "match-not-string",
        "match-empty",
        "match-type-unsupported",
        "match-type-not-string",
        "match-type-wrong-case",
        "match-control-character",
        "match-format-character",
        "match-too-long",
        "payload-not-object",
        "too-many-topics"
      })
  void anyMalformedDetailRejectsTheWholeToken(String defect) {
    Map<String, Object> good = detail(List.of("publish"), List.of(Map.of("match", "a")));
    Object bad = malformed(defect);
    String token = withDetails(List.of(good, bad));
    assertThatThrownBy(() -> verifier.verify(token))
        .as(defect)
        .isInstanceOf(AuthException.class)
        .hasMessageStartingWith("authorization_details[1]");
  }

  private static Object malformed(String defect) {
    Map<String, Object> topic = Map.of("match", "b");
    UnaryOperator<Map<String, Object>> with =
        extra -> {
          Map<String, Object> d =
              new java.util.LinkedHashMap<>(detail(List.of("subscribe"), List.of(topic)));
          d.putAll(extra);
          d.values().removeIf(v -> v == REMOVE);
          return d;
        };
    return switch (defect) {
      case "entry-not-object" -> "publish";
      case "type-missing" -> with.apply(Map.of("type", REMOVE));
      case "type-not-string" -> with.apply(Map.of("type", 7L));
      case "actions-missing" -> with.apply(Map.of("actions", REMOVE));
      case "actions-empty" -> with.apply(Map.of("actions", List.of()));
      case "actions-not-array" -> with.apply(Map.of("actions", "subscribe"));
      case "action-not-string" -> with.apply(Map.of("actions", List.of("subscribe", 1L)));
      case "topics-missing" -> with.apply(Map.of("topics", REMOVE));
      case "topics-empty" -> with.apply(Map.of("topics", List.of()));
      case "topics-not-array" -> with.apply(Map.of("topics", topic));
      case "topic-not-object" -> with.apply(Map.of("topics", List.of("b")));
      case "match-missing" -> with.apply(Map.of("topics", List.of(Map.of("match_type", "exact"))));
      case "match-not-string" -> with.apply(Map.of("topics", List.of(Map.of("match", 1L))));
      case "match-empty" -> with.apply(Map.of("topics", List.of(Map.of("match", ""))));
      case "match-type-unsupported" ->
          with.apply(Map.of("topics", List.of(Map.of("match", "b", "match_type", "regex"))));
      case "match-type-not-string" ->
          with.apply(
              Map.of("topics", List.of(Map.of("match", "b", "match_type", List.of("exact")))));
      case "match-type-wrong-case" ->
          with.apply(Map.of("topics", List.of(Map.of("match", "b", "match_type", "Exact"))));
      case "match-control-character" ->
          with.apply(Map.of("topics", List.of(Map.of("match", "b\nid: forged"))));
      case "match-format-character" ->
          with.apply(Map.of("topics", List.of(Map.of("match", "b\u200Bc"))));
      case "match-too-long" ->
          with.apply(
              Map.of(
                  "topics",
                  List.of(Map.of("match", "x".repeat(AuthorizationDetails.MAX_MATCH_LENGTH + 1)))));
      case "payload-not-object" -> with.apply(Map.of("payload", List.of("x")));
      case "too-many-topics" -> {
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i <= AuthorizationDetails.MAX_TOPICS; i++) {
          many.add(Map.of("match", "t" + i));
        }
        yield with.apply(Map.of("topics", many));
      }
      default -> throw new IllegalArgumentException(defect);
    };
  }

  private static final Object REMOVE = new Object();

  @Test
  void tooManyDetailsRejectTheToken() {
    List<Object> details = new ArrayList<>();
    for (int i = 0; i <= AuthorizationDetails.MAX_DETAILS; i++) {
      details.add(detail(List.of("subscribe"), List.of(Map.of("match", "t" + i))));
    }
    rejected(withDetails(details), "authorization_details has 65 entries (expected: <= 64)");
  }

  @Test
  void malformedInputIsRejectedWithAReasonNotACrash() {
    for (String garbage : new String[] {"", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.e30."}) {
      assertThatThrownBy(() -> verifier.verify(garbage))
          .as(garbage)
          .isInstanceOf(AuthException.class);
    }
    assertThat(AccessTokenVerifier.looksLikeAccessToken("not a token")).isFalse();
    assertThat(
            AccessTokenVerifier.looksLikeAccessToken(
                new String(new byte[] {'%', '.', '.'}, StandardCharsets.US_ASCII)))
        .isFalse();
  }
}
