package dev.herald.node;

/**
 * The history could not be opened or reached when a node started: a data directory locked by
 * another hub or not writable, a Redis that refuses the connection. Says which setting to look at,
 * so each front end names it in its own words ({@code --data-dir}, {@code herald.embedded.redis}).
 */
public final class HistoryUnavailableException extends RuntimeException {

  private final String setting;

  HistoryUnavailableException(String setting, String message, Throwable cause) {
    super(message, cause);
    this.setting = setting;
  }

  /**
   * The setting behind the failure, in the CLI's spelling without dashes: {@code data-dir}, {@code
   * redis}.
   */
  public String setting() {
    return setting;
  }
}
