package dev.herald.core.auth;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;

/**
 * Reads what a verified token grants from its header and claims. Protocol versions name their
 * grants differently (draft-07: the {@code mercure} claim), so the {@link TokenVerifier} checks
 * signature and times and leaves this part to the protocol edge.
 *
 * <p>Implementations are stateless and safe from any thread.
 */
@FunctionalInterface
public interface ClaimsReader {

  /**
   * The grants of a token whose signature already verified.
   *
   * @param expiresAt the token's {@code exp}, or null when it has none
   * @throws AuthException with a message saying which claim is wrong and what was expected
   */
  Claims read(JWSHeader header, JWTClaimsSet claims, Instant expiresAt) throws AuthException;
}
