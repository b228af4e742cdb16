package dev.herald.core;

/**
 * Whether a hub should be sent new subscribers now, and why not: a load balancer's readiness probe.
 * Immutable; safe from any thread.
 *
 * @param ready whether the hub takes new subscribers now
 * @param reason one line a person can act on; {@code ready} when ready
 */
public record Readiness(boolean ready, String reason) {

  /** Ready, with the reason {@code ready}. */
  public static final Readiness READY = new Readiness(true, "ready");

  /** Not ready, for {@code reason}: one line a person can act on. */
  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
