package dev.herald.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation against a JWK Set served on loopback: fetched on the refresher thread, refreshed on
 * an unknown kid at most once per interval (simulated time), cached through outages.
 */
class JwksKeySourceTest {

  private static final Duration MIN_INTERVAL = Duration.ofSeconds(30);
  private static final Duration MAX_AGE = Duration.ofMinutes(5);
  private static final String ISSUER = "https://auth.example.com";

  private static final KeyPair KEY_A = TestKeys.ec("secp256r1");
  private static final KeyPair KEY_B = TestKeys.ec("secp256r1");

  private final MutableClock clock = new MutableClock(AccessTokenVerifierTest.NOW);
  private final KeyRefresher refresher = new KeyRefresher();
  private final JwksServer server;
  private final JwksKeySource source;
  private final AccessTokenVerifier verifier;

  JwksKeySourceTest() throws Exception {
    server = new JwksServer();
    source =
        new JwksKeySource(
            server.url(),
            Algorithms.ACCESS_TOKENS,
            JwksKeySource.Fetcher.standard(),
            refresher,
            clock,
            MIN_INTERVAL,
            MAX_AGE);
    verifier =
        new AccessTokenVerifier(
            AccessTokenVerifierTest.RESOURCE,
            TrustedIssuers.of(ISSUER, source),
            MatcherCompiler.exactOnly(),
            clock);
  }

  @AfterEach
  void close() {
    refresher.close();
    server.close();
  }

  private static JWK jwk(KeyPair pair, String kid) {
    return new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
        .keyID(kid)
        .keyUse(KeyUse.SIGNATURE)
        .build();
  }

  private String token(KeyPair pair, String kid) throws Exception {
    // A new jti each time, so the verifier's cache of verified tokens plays no part.
    JWTClaimsSet claims =
        AccessTokenVerifierTest.claims()
            .issuer(ISSUER)
            .expirationTime(java.util.Date.from(clock.instant().plus(Duration.ofHours(1))))
            .jwtID(java.util.UUID.randomUUID().toString())
            .build();
    return AccessTokenVerifierTest.sign(
        AccessTokenVerifierTest.at(JWSAlgorithm.ES256).keyID(kid).build(),
        new ECDSASigner((ECPrivateKey) pair.getPrivate()),
        claims);
  }

  private static void await(CompletableFuture<Void> fetch) throws Exception {
    assertThat(fetch).as("a fetch was started").isNotNull();
    fetch.get(10, TimeUnit.SECONDS);
  }

  @Test
  void fetchRunsOnTheRefresherThreadNotTheCaller() throws Exception {
    Thread[] fetchedOn = new Thread[1];
    JwksKeySource watched =
        new JwksKeySource(
            server.url(),
            Algorithms.ACCESS_TOKENS,
            url -> {
              fetchedOn[0] = Thread.currentThread();
              return JwksKeySource.Fetcher.standard().fetch(url);
            },
            refresher,
            clock,
            MIN_INTERVAL,
            MAX_AGE);
    server.serve(List.of(jwk(KEY_A, "a")));

    await(watched.start());

    assertThat(fetchedOn[0].getName()).isEqualTo("herald-jwks");
    assertThat(watched.keys()).extracting(TrustedKey::kid).containsExactly("a");
  }

  @Test
  void beforeTheFirstFetchTokensAreRejectedWithAReason() throws Exception {
    // The fetch the verification asks for is held until the rejection is checked: "before the
    // first fetch" is then a fact, not a race with the refresher thread.
    CountDownLatch release = new CountDownLatch(1);
    JwksKeySource held =
        new JwksKeySource(
            server.url(),
            Algorithms.ACCESS_TOKENS,
            url -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.IOException("interrupted", e);
              }
              return JwksKeySource.Fetcher.standard().fetch(url);
            },
            refresher,
            clock,
            MIN_INTERVAL,
            MAX_AGE);
    AccessTokenVerifier heldVerifier =
        new AccessTokenVerifier(
            AccessTokenVerifierTest.RESOURCE,
            TrustedIssuers.of(ISSUER, held),
            MatcherCompiler.exactOnly(),
            clock);
    String token = token(KEY_A, "a");
    try {
      assertThatThrownBy(() -> heldVerifier.verify(token))
          .isInstanceOf(AuthException.class)
          .hasMessageContaining(
              "no keys for issuer "
                  + ISSUER
                  + " yet: [no keys from the JWK Set "
                  + server.url()
                  + ": not loaded yet]");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aNewKidIsPickedUpByTheRefreshItTriggers() throws Exception {
    server.serve(List.of(jwk(KEY_A, "a")));
    await(source.start());
    assertThat(verifier.verify(token(KEY_A, "a")).issuer()).isEqualTo(ISSUER);

    server.serve(List.of(jwk(KEY_A, "a"), jwk(KEY_B, "b")));
    clock.advance(MIN_INTERVAL);
    String rotated = token(KEY_B, "b");
    assertThatThrownBy(() -> verifier.verify(rotated))
        .hasMessageContaining("kid: b is not among the keys of issuer " + ISSUER);
    // That rejection asked for a refresh; once it lands the new key verifies.
    await(source.lastFetch());
    assertThat(verifier.verify(rotated).issuer()).isEqualTo(ISSUER);
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void aRemovedKidIsRejectedOnceTheCacheIsRefreshedEvenForACachedToken() throws Exception {
    server.serve(List.of(jwk(KEY_A, "a"), jwk(KEY_B, "b")));
    await(source.start());
    String old = token(KEY_A, "a");
    assertThat(verifier.verify(old).issuer()).isEqualTo(ISSUER);

    server.serve(List.of(jwk(KEY_B, "b")));
    clock.advance(MAX_AGE.plusSeconds(1));
    verifier.verify(token(KEY_B, "b")); // the stale cache is noticed and refreshed
    await(source.lastFetch());

    assertThatThrownBy(() -> verifier.verify(old))
        .hasMessageContaining("kid: a is not among the keys of issuer " + ISSUER);
  }

  @Test
  void anOutageKeepsTheCachedKeysWorking() throws Exception {
    server.serve(List.of(jwk(KEY_A, "a")));
    await(source.start());

    server.fail(503);
    clock.advance(MAX_AGE.plusSeconds(1));
    assertThat(verifier.verify(token(KEY_A, "a")).issuer()).isEqualTo(ISSUER);
    await(source.lastFetch());

    assertThat(server.requests()).isEqualTo(2);
    assertThat(verifier.verify(token(KEY_A, "a")).issuer()).isEqualTo(ISSUER);
    assertThat(source.unavailableReason()).isNull();
  }

  @Test
  void anOutageBeforeAnyKeyWasLoadedSaysWhy() throws Exception {
    server.fail(500);
    await(source.start());
    assertThat(source.keys()).isEmpty();
    assertThatThrownBy(() -> verifier.verify(token(KEY_A, "a")))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("no keys from the JWK Set " + server.url() + ": fetch failed:");
  }

  @Test
  void unknownKidsRefreshAtMostOncePerInterval() throws Exception {
    server.serve(List.of(jwk(KEY_A, "a")));
    await(source.start());

    CompletableFuture<Void> initial = source.lastFetch();
    for (int i = 0; i < 50; i++) {
      String madeUp = token(KEY_B, "made-up-" + i);
      assertThatThrownBy(() -> verifier.verify(madeUp)).isInstanceOf(AuthException.class);
    }
    assertThat(source.lastFetch()).as("no refresh inside the interval").isSameAs(initial);

    clock.advance(MIN_INTERVAL);
    for (int i = 0; i < 50; i++) {
      String madeUp = token(KEY_B, "made-up-again-" + i);
      assertThatThrownBy(() -> verifier.verify(madeUp)).isInstanceOf(AuthException.class);
    }
    await(source.lastFetch());
    assertThat(server.requests()).as("first load + one refresh").isEqualTo(2);

    clock.advance(MIN_INTERVAL.minusSeconds(1));
    assertThat(source.requestRefresh()).as("still inside the interval").isNull();
    clock.advance(Duration.ofSeconds(1));
    await(source.requestRefresh());
    assertThat(server.requests()).isEqualTo(3);
  }

  @Test
  void encryptionKeysAndKeysOutsideTheAllowlistAreSkipped() throws Exception {
    JWK encryption =
        new ECKey.Builder(Curve.P_256, (ECPublicKey) KEY_B.getPublic())
            .keyID("enc")
            .keyUse(KeyUse.ENCRYPTION)
            .build();
    JWK wrongAlg =
        new ECKey.Builder(Curve.P_256, (ECPublicKey) KEY_B.getPublic())
            .keyID("rs")
            .algorithm(JWSAlgorithm.RS256)
            .build();
    server.serve(List.of(encryption, wrongAlg, jwk(KEY_A, "a")));
    await(source.start());

    assertThat(source.keys()).extracting(TrustedKey::kid).containsExactly("a");
    assertThatThrownBy(() -> verifier.verify(token(KEY_B, "enc")))
        .isInstanceOf(AuthException.class);
  }

  @Test
  void aFileUrlIsReadToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("jwks.json");
    Files.writeString(file, new com.nimbusds.jose.jwk.JWKSet(jwk(KEY_A, "a")).toString(true));
    JwksKeySource fromFile =
        new JwksKeySource(
            file.toUri(),
            Algorithms.ACCESS_TOKENS,
            JwksKeySource.Fetcher.standard(),
            refresher,
            clock,
            MIN_INTERVAL,
            MAX_AGE);
    await(fromFile.start());
    assertThat(fromFile.keys()).extracting(TrustedKey::kid).containsExactly("a");
  }

  @Test
  void onlyHttpsFileAndLoopbackHttpUrlsAreAccepted() {
    for (String ok :
        List.of(
            "https://auth.example.com/jwks.json",
            "file:/etc/jwks.json",
            "http://127.0.0.1:8080/jwks",
            "http://[::1]/jwks",
            "http://localhost/jwks")) {
      assertThat(JwksKeySource.checkUrl(ok)).isEqualTo(URI.create(ok));
    }
    for (String bad :
        List.of(
            "http://auth.example.com/jwks.json",
            "http://10.0.0.1/jwks",
            "ftp://example.com/jwks",
            "jwks.json",
            "https:///nohost")) {
      assertThatThrownBy(() -> JwksKeySource.checkUrl(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "jwks: "
                  + bad
                  + " (expected: an https:// or file: URL, or http:// to a loopback address)");
    }
  }
}
