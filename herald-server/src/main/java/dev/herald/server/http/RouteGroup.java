package dev.herald.server.http;

import java.util.EnumSet;
import java.util.Set;

/**
 * The route groups a listener can serve, so a listener's routes are one choice: all of them by
 * default, or e.g. only {@link #ADMIN} on an internal listener, or all but {@link #UI}.
 */
public enum RouteGroup {
  /**
   * The Mercure hub: subscribe and publish on {@code /.well-known/mercure}, the subscriptions API,
   * and its JavaScript client {@code /herald.js}.
   */
  HUB,
  /** The classic SSE demo on {@code /sse} (when the demo clock runs). */
  DEMO,
  /** Operations: {@code /healthz}, {@code /readyz}, {@code /metrics}. */
  ADMIN,
  /** The web UI: its page and static files, {@code /info} and {@code /dev/token}. */
  UI;

  /** Every group: what a listener serves unless told otherwise. */
  public static Set<RouteGroup> all() {
    return EnumSet.allOf(RouteGroup.class);
  }
}
