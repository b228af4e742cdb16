package dev.herald.core;

/**
 * An update the hub accepted: its place in the hub's order and its SSE bytes, encoded once and
 * shared by every subscriber that receives it.
 *
 * <p>{@code frame} must never be modified. Immutable; safe from any thread.
 *
 * @param publishedNanos {@link System#nanoTime()} when {@link Hub#publish} was called, so an edge
 *     can measure publish-to-deliver latency; 0 when unknown (an event read back from a store
 *     another process wrote)
 */
public record Event(long sequence, Update update, byte[] frame, long publishedNanos) {

  /** An event whose publish time is unknown. */
  public Event(long sequence, Update update, byte[] frame) {
    this(sequence, update, frame, 0);
  }

  public String id() {
    return update.id();
  }
}
