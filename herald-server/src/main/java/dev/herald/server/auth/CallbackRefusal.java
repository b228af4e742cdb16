package dev.herald.server.auth;

/**
 * Why the callback did not grant a request: the application said no (401 or 403), or it could not
 * be asked or did not answer in time (503, with when to retry). Never a grant: a failing
 * application keeps the door shut.
 *
 * <p>Immutable; safe from any thread.
 */
public final class CallbackRefusal extends RuntimeException {

  private final int status;
  private final long retryAfterSeconds;

  CallbackRefusal(int status, String reason, long retryAfterSeconds) {
    super(reason, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The application says no: 401 (it does not know the caller) or 403 (it does, and refuses). */
  public static CallbackRefusal denied(int status, String reason) {
    if (status != 401 && status != 403) {
      throw new IllegalArgumentException("status: " + status + " (expected: 401 or 403)");
    }
    return new CallbackRefusal(status, reason, 0);
  }

  /** The application could not decide: 503, worth asking again after {@code retryAfterSeconds}. */
  public static CallbackRefusal unavailable(String reason, long retryAfterSeconds) {
    return new CallbackRefusal(503, reason, retryAfterSeconds);
  }

  /** 401 or 403 as the application answered, or 503 when it could not decide. */
  public int status() {
    return status;
  }

  /** For a 503: whole seconds before asking again is worth it. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
