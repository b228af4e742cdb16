package dev.herald.spring.security;

import dev.herald.core.auth.Claims;
import dev.herald.server.AuthCallbackConfig;
import dev.herald.server.auth.AccessDecider;
import dev.herald.server.auth.CallbackRefusal;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * The embedded hub's decisions taken from the application's Spring Security sessions: the session
 * cookie the browser sends to the hub names a live session ({@link SessionDirectory}), whose
 * security context holds the logged-in user; the application's {@link HeraldAccessPolicy} maps that
 * user and the requested topics to grants. No session, or no logged-in user in it: 401; the policy
 * refuses: 403; the policy fails or its threads are all busy: 503, never access.
 *
 * <p>The policy runs on two threads of this decider's own with a bounded queue, never on an event
 * loop. Safe from any thread; {@link #close} stops the threads.
 */
final class SpringSecurityDecider implements AccessDecider {

  /** Decisions waiting for a thread at most; past that a request is answered 503 at once. */
  static final int MAX_WAITING = 256;

  /** How long one decision may take before the request is answered 503. */
  static final Duration TIMEOUT = AuthCallbackConfig.DEFAULT_TIMEOUT;

  private final HeraldAccessPolicy policy;
  private final SessionDirectory sessions;
  private final String sessionCookie;
  private final Clock clock;
  private final ThreadPoolExecutor executor;

  SpringSecurityDecider(
      HeraldAccessPolicy policy, SessionDirectory sessions, String sessionCookie, Clock clock) {
    this.policy = policy;
    this.sessions = sessions;
    this.sessionCookie = sessionCookie;
    this.clock = clock;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_WAITING),
            task -> {
              Thread thread = new Thread(task, "herald-access-policy-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public List<String> forwardedCookies() {
    return List.of(sessionCookie);
  }

  @Override
  public boolean decidesEveryRequest() {
    return false;
  }

  @Override
  public CompletionStage<Claims> decide(Question question) {
    Authentication user = user(question.cookies().get(sessionCookie));
    if (user == null) {
      return CompletableFuture.failedFuture(
          CallbackRefusal.denied(401, "no logged-in session (expected: the application's login)"));
    }
    HeraldAccessRequest request =
        new HeraldAccessRequest(
            question.action() == Action.PUBLISH, question.topics(), question.origin());
    try {
      return CompletableFuture.supplyAsync(() -> grants(user, request), executor)
          .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .exceptionally(
              failure -> {
                if (failure instanceof TimeoutException) {
                  // A policy stuck on its database never holds the request: 503, and no access.
                  throw CallbackRefusal.unavailable(
                      "access policy did not answer within " + TIMEOUT.toMillis() + " ms", 1);
                }
                throw failure instanceof RuntimeException r
                    ? r
                    : new IllegalStateException(failure);
              });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          CallbackRefusal.unavailable(
              "access policy busy: " + MAX_WAITING + " decisions waiting (the limit)", 1));
    }
  }

  private Claims grants(Authentication user, HeraldAccessRequest request) {
    HeraldGrants grants;
    try {
      grants = policy.grants(user, request);
    } catch (RuntimeException e) {
      throw CallbackRefusal.unavailable("access policy failed: " + e, 1);
    }
    if (grants == null) {
      throw CallbackRefusal.denied(
          403, "the access policy refuses " + user.getName() + " " + request.topics());
    }
    return new Claims(
        grants.publish(),
        grants.subscribe(),
        grants.payload(),
        clock.instant().plus(grants.lifetime()));
  }

  /** The logged-in user of the session {@code id}, or null. */
  private Authentication user(String id) {
    HttpSession session = sessions.find(id);
    if (session == null) {
      return null;
    }
    Object context;
    try {
      context =
          session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
    } catch (IllegalStateException invalidated) {
      return null;
    }
    if (!(context instanceof SecurityContext security)) {
      return null;
    }
    Authentication user = security.getAuthentication();
    return user == null || !user.isAuthenticated() || user instanceof AnonymousAuthenticationToken
        ? null
        : user;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
