package dev.herald.core;

/**
 * An update the hub accepted: its place in the hub's order and its SSE bytes, encoded once and
 * shared by every subscriber that receives it.
 *
 * <p>{@code frame} must never be modified. Immutable; safe from any thread.
 *
 * @param sequence the event's place in the hub's order: gap-free and increasing within one hub (or
 *     one shared log)
 * @param update what was published, with the id the hub assigned when the publisher chose none
 * @param frame the event's SSE bytes ({@code id:}, {@code event:}, {@code data:} lines), sent as is
 *     to every subscriber
 * @param publishedNanos {@link System#nanoTime()} when {@link Hub#publish} was called, so an edge
 *     can measure publish-to-deliver latency; 0 when unknown (an event read back from a store
 *     another process wrote)
 */
public record Event(long sequence, Update update, byte[] frame, long publishedNanos) {

  /** An event whose publish time is unknown. */
  public Event(long sequence, Update update, byte[] frame) {
    this(sequence, update, frame, 0);
  }

  /** The event's id, the {@code Last-Event-ID} a subscriber resumes from. */
  public String id() {
    return update.id();
  }
}
