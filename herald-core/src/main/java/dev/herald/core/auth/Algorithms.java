package dev.herald.core.auth;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The signature algorithm allowlists, in one place. {@code none} is never on any list, and the
 * lists are never derived from a token.
 *
 * <p>Thread-safety: constants only.
 */
public final class Algorithms {

  /**
   * Accepted in draft-08 access tokens: EdDSA, ES256 and RS256 as the draft asks, their stronger
   * siblings, and HMAC for self-issued tokens signed with a shared secret. ES256K is left out: the
   * JDK no longer implements secp256k1.
   */
  public static final Set<JWSAlgorithm> ACCESS_TOKENS =
      ordered(
          List.of(
              JWSAlgorithm.EdDSA,
              JWSAlgorithm.Ed25519,
              JWSAlgorithm.ES256,
              JWSAlgorithm.ES384,
              JWSAlgorithm.ES512,
              JWSAlgorithm.RS256,
              JWSAlgorithm.RS384,
              JWSAlgorithm.RS512,
              JWSAlgorithm.PS256,
              JWSAlgorithm.PS384,
              JWSAlgorithm.PS512,
              JWSAlgorithm.HS256,
              JWSAlgorithm.HS384,
              JWSAlgorithm.HS512));

  /** Accepted in draft-07 tokens from a JWK Set: the algorithms {@link JwtKey} accepts. */
  public static final Set<JWSAlgorithm> DRAFT_07 =
      ordered(
          List.of(
              JWSAlgorithm.HS256,
              JWSAlgorithm.HS384,
              JWSAlgorithm.HS512,
              JWSAlgorithm.RS256,
              JWSAlgorithm.RS384,
              JWSAlgorithm.RS512,
              JWSAlgorithm.PS256,
              JWSAlgorithm.PS384,
              JWSAlgorithm.PS512,
              JWSAlgorithm.ES256,
              JWSAlgorithm.ES384,
              JWSAlgorithm.ES512));

  private Algorithms() {}

  static String names(Collection<JWSAlgorithm> algorithms) {
    return algorithms.stream()
        .map(JWSAlgorithm::getName)
        .sorted()
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static Set<JWSAlgorithm> ordered(List<JWSAlgorithm> algorithms) {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(algorithms));
  }
}
