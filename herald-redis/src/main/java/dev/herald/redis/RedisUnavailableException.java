package dev.herald.redis;

/**
 * Redis could not be reached when the shared log was opened; the message is one line naming the URI
 * (password masked) and the reason. Immutable; safe from any thread.
 */
public final class RedisUnavailableException extends RuntimeException {

  /** Redis failed as {@code message} says in one line, because of {@code cause}. */
  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
