package dev.herald.core;

/**
 * Whether a hub should be sent new subscribers now, and why not: a load balancer's readiness probe.
 * Immutable; safe from any thread.
 *
 * @param reason one line a person can act on; {@code ready} when ready
 */
public record Readiness(boolean ready, String reason) {

  public static final Readiness READY = new Readiness(true, "ready");

  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
