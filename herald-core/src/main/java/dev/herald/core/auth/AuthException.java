package dev.herald.core.auth;

/**
 * A token was presented but cannot be trusted; the message says why (expired, bad signature, wrong
 * algorithm, malformed). The HTTP layer maps it to 401.
 *
 * <p>Thread-safety: immutable.
 */
public final class AuthException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuthException(String message) {
    super(message);
  }

  public AuthException(String message, Throwable cause) {
    super(message, cause);
  }
}
