package dev.herald.spring;

/**
 * A Herald property is wrong: the message is one line that names the property, shows the bad value
 * and what was expected, e.g. {@code "herald.embedded.heartbeat: PT-1S (expected: >= 0)"}. Thrown
 * during start-up; {@link HeraldFailureAnalyzer} prints it instead of a stack trace.
 */
public final class HeraldConfigurationException extends RuntimeException {

  HeraldConfigurationException(String message) {
    super(message);
  }

  HeraldConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Herald's own validation names options as {@code serve} does ({@code heartbeat: ...}); this
   * names them as properties under {@code prefix} ({@code herald.embedded.heartbeat: ...}).
   */
  static HeraldConfigurationException of(String prefix, IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    int colon = message.indexOf(": ");
    if (colon < 0) {
      return new HeraldConfigurationException(prefix + ": " + message, e);
    }
    String[] names = message.substring(0, colon).split(", | and ");
    StringBuilder named = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      named.append(i == 0 ? "" : ", ").append(prefix).append('.').append(names[i].trim());
    }
    return new HeraldConfigurationException(named + message.substring(colon), e);
  }
}
