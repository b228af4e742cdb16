package dev.herald.core.dispatch;

import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The selectors that must be evaluated to be matched (URI templates, draft-08 URL patterns, and any
 * kind this index does not know), indexed so that a topic only evaluates those that can match it.
 *
 * <p>Each selector is filed under the literal {@linkplain TopicSelector#indexKeyPrefix() prefix}
 * and {@linkplain TopicSelector#indexKeySuffix() suffix} of its {@linkplain TopicSelector#indexKey
 * index key}: for a template, the topic itself; for a URL pattern, the topic resolved against the
 * hub URL as {@code scheme://host[:port]/path}, so {@code /books/1} and {@code
 * HTTPS://Example.com/books/1} find {@code https://example.com/books/:id}. Selectors whose keys are
 * computed alike (templates; URL patterns of one hub URL) share one {@link KeySpace}. A lookup
 * computes the topic's key once per space, hashes its prefixes (only the lengths some selector's
 * prefix has) and, for each prefix group the key starts with, its suffixes (only the lengths that
 * group holds), and evaluates only the selectors whose prefix and suffix the key both starts and
 * ends with. Each selector sits in exactly one bucket, so it is evaluated at most once per topic
 * however many subscribers share it. Results are cached per topic in a bounded cache, emptied
 * whenever a selector is added or removed, so a topic published again costs one lookup.
 *
 * <p>What a lookup costs: per key space, one key, a pass over it per distinct prefix length and per
 * prefix group it starts with, plus one evaluation per candidate. Selectors with an empty prefix
 * and suffix (a URL pattern whose scheme is not fixed text and whose path ends in a group, a
 * template such as {@code {a}/x/{b}}) are evaluated for every topic not cached.
 *
 * <p>What filing or forgetting one selector costs: a few hash operations on its prefix and suffix,
 * a rebuild of an array of distinct lengths (no longer than the selector's text) when its prefix or
 * suffix length is new, and emptying the topic cache (at most {@link #CACHE_CAPACITY} entries);
 * never a pass over the selectors already filed. Strings whose hashes collide are told apart by a
 * map keyed by the string, so crafted collisions cannot make a lookup scan their groups.
 *
 * <p>Owned by the hub's dispatcher (whoever runs its serial drain); not thread-safe.
 *
 * @param <T> what each selector carries (the hub: the subscribers that hold it)
 */
final class SelectorIndex<T> {

  /** Topics whose matches are remembered. */
  static final int CACHE_CAPACITY = 4_096;

  private static final class Entry<T> {
    final TopicSelector selector;
    final T value;
    final KeySpace<T> space;
    final String prefix;
    final String suffix;

    /** Where this entry sits in its bucket, so that removing it does not search the bucket. */
    int position;

    Entry(TopicSelector selector, T value, KeySpace<T> space) {
      this.selector = selector;
      this.value = value;
      this.space = space;
      this.prefix = selector.indexKeyPrefix();
      this.suffix = selector.indexKeySuffix();
    }
  }

  /** The selectors that share one literal prefix and one literal suffix. */
  private static final class Bucket<T> {
    final List<Entry<T>> entries = new ArrayList<>(1);

    void add(Entry<T> entry) {
      entry.position = entries.size();
      entries.add(entry);
    }

    void remove(Entry<T> entry) {
      Entry<T> last = entries.remove(entries.size() - 1);
      if (last != entry) {
        entries.set(entry.position, last);
        last.position = entry.position;
      }
    }
  }

  /** The selectors that share one literal prefix, filed by suffix. */
  private static final class PrefixGroup<T> {
    final LiteralTable<Bucket<T>> bySuffix = new LiteralTable<>();
  }

  /** The selectors whose index keys are computed alike, filed by prefix then suffix. */
  private static final class KeySpace<T> {
    /** Any selector of this space: computes a topic's key, as each of them would. */
    final TopicSelector keyOf;

    final LiteralTable<PrefixGroup<T>> byPrefix = new LiteralTable<>();
    int size;

    KeySpace(TopicSelector keyOf) {
      this.keyOf = keyOf;
    }
  }

  /**
   * Values filed by distinct strings, found by the length and {@code String.hashCode()} of a piece
   * of a text without cutting it out, with the lengths present so a lookup tries only those.
   *
   * <p>Open addressing on one {@code long} per slot (length and hash): most probes of a lookup find
   * nothing, and those touch a single array whatever the table holds, where a {@code HashMap} would
   * follow a node and a boxed key per probe.
   */
  private static final class LiteralTable<V> {
    private long[] keys = new long[8]; // 0: an empty slot
    private String[] texts = new String[8]; // null where strings collided: values holds a map
    private Object[] values = new Object[8]; // V, or Map<String, V> of the collided strings
    private int size;
    private final Map<Integer, Integer> lengthCounts = new HashMap<>();
    int[] lengths = new int[0]; // ascending, distinct

    V get(String text) {
      return find(text, 0, text.length(), text.hashCode());
    }

    /** The value filed under {@code source[from, from + length)}, whose hash is {@code hash}. */
    @SuppressWarnings("unchecked")
    V find(String source, int from, int length, int hash) {
      long key = key(length, hash);
      int mask = keys.length - 1;
      int slot = home(key, mask);
      while (keys[slot] != key) {
        if (keys[slot] == 0) {
          return null;
        }
        slot = (slot + 1) & mask;
      }
      String text = texts[slot];
      if (text != null) {
        return source.regionMatches(from, text, 0, length) ? (V) values[slot] : null;
      }
      // Only strings of equal length and hash get here; a HashMap keeps colliding String keys in
      // a tree ordered by compareTo, so even many of them cost a logarithmic search.
      return ((Map<String, V>) values[slot]).get(source.substring(from, from + length));
    }

    /** Files {@code value} under {@code text}, which must not be filed yet. */
    @SuppressWarnings("unchecked")
    void put(String text, V value) {
      if (2 * (size + 1) > keys.length) {
        resize(keys.length * 2);
      }
      long key = key(text.length(), text.hashCode());
      int slot = slotOf(key);
      if (keys[slot] == 0) {
        keys[slot] = key;
        texts[slot] = text;
        values[slot] = value;
        size++;
      } else {
        if (texts[slot] != null) {
          Map<String, V> collided = new HashMap<>();
          collided.put(texts[slot], (V) values[slot]);
          texts[slot] = null;
          values[slot] = collided;
        }
        ((Map<String, V>) values[slot]).put(text, value);
      }
      if (lengthCounts.merge(text.length(), 1, Integer::sum) == 1) {
        int at = -Arrays.binarySearch(lengths, text.length()) - 1;
        int[] more = new int[lengths.length + 1];
        System.arraycopy(lengths, 0, more, 0, at);
        more[at] = text.length();
        System.arraycopy(lengths, at, more, at + 1, lengths.length - at);
        lengths = more;
      }
    }

    /** Forgets {@code text}, which must be filed. */
    @SuppressWarnings("unchecked")
    void remove(String text) {
      int slot = slotOf(key(text.length(), text.hashCode()));
      if (texts[slot] != null) {
        vacate(slot);
        size--;
      } else {
        Map<String, V> collided = (Map<String, V>) values[slot];
        collided.remove(text);
        if (collided.size() == 1) {
          Map.Entry<String, V> left = collided.entrySet().iterator().next();
          texts[slot] = left.getKey();
          values[slot] = left.getValue();
        }
      }
      if (lengthCounts.merge(text.length(), -1, Integer::sum) == 0) {
        lengthCounts.remove(text.length());
        int at = Arrays.binarySearch(lengths, text.length());
        int[] fewer = new int[lengths.length - 1];
        System.arraycopy(lengths, 0, fewer, 0, at);
        System.arraycopy(lengths, at + 1, fewer, at, fewer.length - at);
        lengths = fewer;
      }
    }

    boolean isEmpty() {
      return size == 0;
    }

    int size() {
      return size;
    }

    /** The slot holding {@code key}, or the empty slot where it belongs. */
    private int slotOf(long key) {
      int mask = keys.length - 1;
      int slot = home(key, mask);
      while (keys[slot] != 0 && keys[slot] != key) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }

    /**
     * Empties a slot, moving back each later entry of its run that the hole would cut off from its
     * home slot (deletion without tombstones, so lookups never wade through dead slots).
     */
    private void vacate(int hole) {
      int mask = keys.length - 1;
      int next = hole;
      while (true) {
        next = (next + 1) & mask;
        if (keys[next] == 0) {
          break;
        }
        int home = home(keys[next], mask);
        // Whether a probe from the entry's home reaches it without crossing the hole.
        boolean reachable =
            hole <= next ? hole < home && home <= next : hole < home || home <= next;
        if (!reachable) {
          keys[hole] = keys[next];
          texts[hole] = texts[next];
          values[hole] = values[next];
          hole = next;
        }
      }
      keys[hole] = 0;
      texts[hole] = null;
      values[hole] = null;
    }

    private void resize(int capacity) {
      long[] oldKeys = keys;
      String[] oldTexts = texts;
      Object[] oldValues = values;
      keys = new long[capacity];
      texts = new String[capacity];
      values = new Object[capacity];
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != 0) {
          int slot = slotOf(oldKeys[i]);
          keys[slot] = oldKeys[i];
          texts[slot] = oldTexts[i];
          values[slot] = oldValues[i];
        }
      }
    }

    /** Never 0, which marks an empty slot: the length is stored plus one. */
    private static long key(int length, int hash) {
      return ((long) (length + 1) << 32) | (hash & 0xFFFF_FFFFL);
    }

    private static int home(long key, int mask) {
      return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> 32) & mask;
    }
  }

  /**
   * Keyed by the selector, not its text: a URI template and a URL pattern may be written alike yet
   * match differently (selector equality includes the kind, and a URL pattern's hub URL).
   */
  private final Map<TopicSelector, Entry<T>> bySelector = new HashMap<>();

  /** By {@link TopicSelector#indexKeyBase()}; the null key holds the selectors keyed by topic. */
  private final Map<String, KeySpace<T>> spaces = new HashMap<>();

  /** Selectors evaluated by lookups so far: what this index exists to keep small. */
  private long evaluations;

  private final Map<String, List<T>> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<T>> eldest) {
          return size() > CACHE_CAPACITY;
        }
      };

  int size() {
    return bySelector.size();
  }

  /** How many selectors lookups have evaluated since this index was created. */
  long evaluations() {
    return evaluations;
  }

  /** The value filed under the selector, or null. */
  T get(TopicSelector selector) {
    Entry<T> entry = bySelector.get(selector);
    return entry == null ? null : entry.value;
  }

  /** Files {@code value} under {@code selector}, which must not be filed yet. */
  void put(TopicSelector selector, T value) {
    if (bySelector.containsKey(selector)) {
      throw new IllegalStateException("selector already indexed: " + selector.raw());
    }
    KeySpace<T> space =
        spaces.computeIfAbsent(selector.indexKeyBase(), base -> new KeySpace<>(selector));
    Entry<T> entry = new Entry<>(selector, value, space);
    bySelector.put(selector, entry);
    cache.clear();
    PrefixGroup<T> group = space.byPrefix.get(entry.prefix);
    if (group == null) {
      group = new PrefixGroup<>();
      space.byPrefix.put(entry.prefix, group);
    }
    Bucket<T> bucket = group.bySuffix.get(entry.suffix);
    if (bucket == null) {
      bucket = new Bucket<>();
      group.bySuffix.put(entry.suffix, bucket);
    }
    bucket.add(entry);
    space.size++;
  }

  /** Forgets the selector; false if it was not filed. */
  boolean remove(TopicSelector selector) {
    Entry<T> entry = bySelector.remove(selector);
    if (entry == null) {
      return false;
    }
    cache.clear();
    KeySpace<T> space = entry.space;
    PrefixGroup<T> group = space.byPrefix.get(entry.prefix);
    Bucket<T> bucket = group.bySuffix.get(entry.suffix);
    bucket.remove(entry);
    if (bucket.entries.isEmpty()) {
      group.bySuffix.remove(entry.suffix);
      if (group.bySuffix.isEmpty()) {
        space.byPrefix.remove(entry.prefix);
      }
    }
    if (--space.size == 0) {
      spaces.remove(selector.indexKeyBase());
    }
    return true;
  }

  /** The values of every selector that matches {@code topic}; the list must not be modified. */
  List<T> matching(String topic) {
    if (bySelector.isEmpty()) {
      return List.of();
    }
    List<T> cached = cache.get(topic);
    if (cached != null) {
      return cached;
    }
    List<T> found = new ArrayList<>(0);
    for (KeySpace<T> space : spaces.values()) {
      lookUp(space, topic, found);
    }
    List<T> result = found.isEmpty() ? List.of() : found;
    cache.put(topic, result);
    return result;
  }

  private void lookUp(KeySpace<T> space, String topic, List<T> found) {
    String key = space.keyOf.indexKey(topic);
    int[] suffixHashes = null;
    int hash = 0;
    int hashed = 0;
    for (int length : space.byPrefix.lengths) {
      if (length > key.length()) {
        break;
      }
      while (hashed < length) {
        hash = 31 * hash + key.charAt(hashed++); // String.hashCode() of the prefix, incrementally
      }
      PrefixGroup<T> group = space.byPrefix.find(key, 0, length, hash);
      if (group == null) {
        continue;
      }
      if (suffixHashes == null) {
        suffixHashes = suffixHashes(key);
      }
      for (int suffixLength : group.bySuffix.lengths) {
        // A selector's prefix and suffix never overlap in a key it matches.
        if (suffixLength > key.length() - length) {
          break;
        }
        Bucket<T> bucket =
            group.bySuffix.find(
                key, key.length() - suffixLength, suffixLength, suffixHashes[suffixLength]);
        if (bucket == null) {
          continue;
        }
        evaluations += bucket.entries.size();
        for (Entry<T> entry : bucket.entries) {
          if (entry.selector.matches(topic)) {
            found.add(entry.value);
          }
        }
      }
    }
  }

  /** {@code String.hashCode()} of the key's last {@code n} characters, for every n. */
  private static int[] suffixHashes(String key) {
    int length = key.length();
    int[] hashes = new int[length + 1];
    int hash = 0;
    int power = 1;
    for (int n = 1; n <= length; n++) {
      hash += key.charAt(length - n) * power;
      power *= 31;
      hashes[n] = hash;
    }
    return hashes;
  }

  @Override
  public String toString() {
    int prefixes = 0;
    for (KeySpace<T> space : spaces.values()) {
      prefixes += space.byPrefix.size();
    }
    return "SelectorIndex["
        + bySelector.size()
        + " selectors, "
        + spaces.size()
        + " key spaces, "
        + prefixes
        + " prefix hashes]";
  }
}
