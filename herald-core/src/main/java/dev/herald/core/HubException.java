package dev.herald.core;

/**
 * The few ways a hub operation can fail, each mapped to one HTTP status at the edge only.
 *
 * <p>Messages are one line that names the bad value and the expected one, because they go back to
 * the client verbatim. Immutable; safe from any thread.
 */
public final class HubException extends RuntimeException {

  /** What went wrong, in terms a protocol edge can map to a status code. */
  public enum Kind {
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    PAYLOAD_TOO_LARGE(413),
    UNAVAILABLE(503);

    private final int httpStatus;

    Kind(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Kind kind;

  public HubException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static HubException badRequest(String message) {
    return new HubException(Kind.BAD_REQUEST, message);
  }
}
