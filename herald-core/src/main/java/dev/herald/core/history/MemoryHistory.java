package dev.herald.core.history;

import dev.herald.core.Event;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The newest {@code capacity} events in a ring, lost on restart.
 *
 * <p>Readers run lock-free on any thread: event {@code n} lives in slot {@code n % capacity}, and a
 * reader that finds a slot holding another sequence knows the event it wanted was overwritten.
 * Writers and id lookups belong to whoever holds the hub's serial drain (one thread at a time,
 * often the publishing event loop); none of them blocks, so the drain may run them there.
 */
public final class MemoryHistory implements History {

  private final int capacity;
  private final AtomicReferenceArray<Event> ring;

  /** The earliest retained sequence of each id; the drain's holder only. */
  private final Map<String, Long> sequenceById;

  /** For an id publishers reused, its later retained sequences, oldest first; the drain's only. */
  private final Map<String, ArrayDeque<Long>> laterSequencesById;

  private volatile long lastSequence;

  /** A history that keeps the last {@code capacity} events (0 keeps none). */
  public MemoryHistory(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("history-size: " + capacity + " (expected: >= 0)");
    }
    this.capacity = capacity;
    this.ring = new AtomicReferenceArray<>(Math.max(capacity, 1));
    this.sequenceById = new HashMap<>();
    this.laterSequencesById = new HashMap<>();
  }

  @Override
  public void append(List<Event> events) {
    // Checked before anything is stored: a group is appended whole or not at all.
    long expected = lastSequence + 1;
    for (Event event : events) {
      if (event.sequence() != expected) {
        throw new IllegalStateException(
            "sequence " + event.sequence() + " appended after " + (expected - 1));
      }
      expected++;
    }
    events.forEach(this::append);
  }

  private void append(Event event) {
    if (capacity > 0) {
      int slot = slot(event.sequence());
      Event evicted = ring.get(slot);
      if (evicted != null) {
        forgetId(evicted);
      }
      ring.set(slot, event);
      rememberId(event);
    }
    lastSequence = event.sequence();
  }

  /** A reused id resolves to its earliest retained event, so later uses only queue up behind it. */
  private void rememberId(Event event) {
    if (sequenceById.putIfAbsent(event.id(), event.sequence()) != null) {
      laterSequencesById
          .computeIfAbsent(event.id(), id -> new ArrayDeque<>(2))
          .addLast(event.sequence());
    }
  }

  /** Evictions run oldest first, so an evicted event is the earliest of its id. */
  private void forgetId(Event evicted) {
    ArrayDeque<Long> later = laterSequencesById.get(evicted.id());
    if (later == null) {
      sequenceById.remove(evicted.id(), evicted.sequence());
      return;
    }
    sequenceById.put(evicted.id(), later.removeFirst());
    if (later.isEmpty()) {
      laterSequencesById.remove(evicted.id());
    }
  }

  @Override
  public List<Event> read(long afterSequence, long upToSequence, int max) {
    long last = Math.min(upToSequence, lastSequence);
    long first = Math.max(afterSequence + 1, last - capacity + 1);
    List<Event> out = new ArrayList<>((int) Math.max(0, Math.min(max, last - first + 1)));
    for (long sequence = first; sequence <= last && out.size() < max; sequence++) {
      Event event = ring.get(slot(sequence));
      // A newer sequence in the slot means this one was overwritten while we read: skip it.
      if (event != null && event.sequence() == sequence) {
        out.add(event);
      }
    }
    return out;
  }

  @Override
  public long sequenceOf(String id) {
    Long sequence = sequenceById.get(id);
    return sequence == null ? -1 : sequence;
  }

  @Override
  public long lastSequence() {
    return lastSequence;
  }

  @Override
  public String lastId() {
    if (capacity == 0 || lastSequence == 0) {
      return null;
    }
    Event event = ring.get(slot(lastSequence));
    return event == null ? null : event.id();
  }

  @Override
  public boolean neverBlocks() {
    return true;
  }

  @Override
  public long retained() {
    return Math.min(lastSequence, capacity);
  }

  private int slot(long sequence) {
    return (int) (sequence % capacity);
  }
}
