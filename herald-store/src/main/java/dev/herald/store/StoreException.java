package dev.herald.store;

/**
 * The durable store cannot do what was asked: open its data directory, write or read. The message
 * is one line that names the file or the events concerned and the cause. Immutable; safe from any
 * thread.
 */
public final class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
