package dev.herald.core.topic.urlpattern;

/**
 * A pattern or base URL that cannot be compiled: the URL Pattern standard's TypeError. The message
 * names the bad value and what was expected; a protocol edge answers it with 400.
 *
 * <p>Immutable; safe from any thread.
 */
public final class UrlPatternException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public UrlPatternException(String message) {
    super(message);
  }
}
