package dev.herald.core;

/**
 * An update the hub accepted: its place in the hub's order and its SSE bytes, encoded once and
 * shared by every subscriber that receives it.
 *
 * <p>{@code frame} must never be modified. Immutable; safe from any thread.
 */
public record Event(long sequence, Update update, byte[] frame) {

  public String id() {
    return update.id();
  }
}
