package dev.herald.store;

/**
 * The durable store cannot do what was asked: open its data directory, write or read. The message
 * is one line that names the file or the events concerned and the cause. Immutable; safe from any
 * thread.
 */
public final class StoreException extends RuntimeException {

  /** A failure described in one line by {@code message}, caused by {@code cause}. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A failure described in one line by {@code message}. */
  public StoreException(String message) {
    super(message);
  }
}
