package dev.herald.core;

/**
 * The few ways a hub operation can fail. The core knows no protocol: each server edge maps a {@link
 * Kind} to its own status code (the HTTP server does so in one place).
 *
 * <p>Messages are one line that names the bad value and the expected one, because they go back to
 * the client verbatim. Immutable; safe from any thread.
 */
public final class HubException extends RuntimeException {

  /** What went wrong, in terms a protocol edge can map to a status code. */
  public enum Kind {
    /** The input is invalid; the message names the bad value and the expected one. */
    BAD_REQUEST,
    /** The caller proved no identity where one is needed. */
    UNAUTHORIZED,
    /** The caller's grants do not cover the operation. */
    FORBIDDEN,
    /** The thing asked about does not exist (or is switched off). */
    NOT_FOUND,
    /** The input is larger than a configured bound. */
    PAYLOAD_TOO_LARGE,
    /** The hub cannot do it now (shutting down, history or shared log failing); retry later. */
    UNAVAILABLE
  }

  private final Kind kind;

  /** A failure of {@code kind}; {@code message} is one line naming the bad value. */
  public HubException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  /** Which way the operation failed: the edge's status code follows from it. */
  public Kind kind() {
    return kind;
  }

  /** The request itself is wrong (a client error); {@code message} says how. */
  public static HubException badRequest(String message) {
    return new HubException(Kind.BAD_REQUEST, message);
  }
}
