package dev.herald.client;

/**
 * Why a publish or a subscription failed: either the hub answered with an error status, and then
 * {@link #status()} is that status and {@link #reason()} the hub's one-line reason, or no usable
 * answer came (unreachable hub, timeout, malformed stream), and then {@link #status()} is {@link
 * #NO_STATUS} and {@link #reason()} says what went wrong.
 *
 * <p>Immutable; safe from any thread.
 */
public final class HeraldClientException extends RuntimeException {

  /** The {@link #status()} of a failure that is not an HTTP answer. */
  public static final int NO_STATUS = -1;

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String reason;

  private HeraldClientException(int status, String reason, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.reason = reason;
  }

  /** The hub answered {@code status} with {@code reason} (the first line of its body). */
  static HeraldClientException hubError(int status, String reason) {
    return new HeraldClientException(status, reason, "HTTP " + status + ": " + reason, null);
  }

  /** No answer, or an answer that broke the protocol; {@code reason} says which. */
  static HeraldClientException failure(String reason, Throwable cause) {
    return new HeraldClientException(NO_STATUS, reason, reason, cause);
  }

  /** The HTTP status the hub answered, or {@link #NO_STATUS} if the failure was not an answer. */
  public int status() {
    return status;
  }

  /** The hub's one-line reason, or a description of the failure when there was no answer. */
  public String reason() {
    return reason;
  }

  /**
   * Whether trying again later may succeed: no answer, or a 5xx, 408 or 429. A 400, 401, 403 or 404
   * needs a different request (or token) instead.
   */
  public boolean isRetryable() {
    return status == NO_STATUS || status >= 500 || status == 408 || status == 429;
  }
}
