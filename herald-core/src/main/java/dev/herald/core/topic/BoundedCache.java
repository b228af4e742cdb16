package dev.herald.core.topic;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A cache that evicts an arbitrary entry when full, so untrusted keys cannot grow it without limit.
 *
 * <p>Reads never lock. Concurrent inserts may overshoot the capacity by at most one entry per
 * inserting thread, until the next insert evicts again. A value may be computed more than once
 * under a race, but every caller gets the one that was stored.
 *
 * <p>Thread-safe.
 */
final class BoundedCache<K, V> {

  private final int capacity;
  private final Map<K, V> entries = new ConcurrentHashMap<>();

  BoundedCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.capacity = capacity;
  }

  /** The cached value for {@code key}, computing and caching it with {@code compute} if absent. */
  V get(K key, Function<? super K, ? extends V> compute) {
    V cached = entries.get(key);
    if (cached != null) {
      return cached;
    }
    // Computed outside the map so a slow computation never blocks other keys of the same bin.
    V computed = compute.apply(key);
    while (entries.size() >= capacity) {
      Iterator<K> victims = entries.keySet().iterator();
      if (!victims.hasNext()) {
        break;
      }
      victims.next();
      victims.remove();
    }
    V raced = entries.putIfAbsent(key, computed);
    return raced != null ? raced : computed;
  }

  int size() {
    return entries.size();
  }
}
