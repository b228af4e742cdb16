package dev.herald.spring.security;

import org.springframework.security.core.Authentication;

/**
 * What a logged-in user of the application may do on its embedded hub: define one bean of this
 * type, and a subscribe or publish that carries no token is decided from the user's Spring Security
 * session (the session cookie the browser sends to the hub), with no JWT anywhere.
 *
 * <pre>{@code
 * @Bean
 * HeraldAccessPolicy notificationsOfTheirOwn() {
 *   return (user, request) ->
 *       HeraldGrants.subscribe("https://example.com/users/" + user.getName() + "/notifications");
 * }
 * }</pre>
 *
 * <p>Called on the hub's decision threads (never on an event loop, never on a request thread), only
 * for an authenticated user; a request without a logged-in session is answered 401 without calling
 * it. Implementations must be safe from any thread; they may block briefly (a database lookup), but
 * each call holds one of two threads. Decisions are not cached: a grant lasts its {@link
 * HeraldGrants#lifetime()}, then the stream ends and the next one is decided afresh.
 */
@FunctionalInterface
public interface HeraldAccessPolicy {

  /**
   * The grants of {@code user} for {@code request}, or null to refuse (403).
   *
   * @param user the session's authenticated user
   */
  HeraldGrants grants(Authentication user, HeraldAccessRequest request);
}
