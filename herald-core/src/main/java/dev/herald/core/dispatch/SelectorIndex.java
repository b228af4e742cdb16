package dev.herald.core.dispatch;

import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The selectors that must be evaluated to be matched (URI templates, and any kind this index does
 * not know), indexed so that a topic only evaluates those that can match it.
 *
 * <p>Each selector is filed under its {@linkplain TopicSelector#literalPrefix() literal prefix},
 * then under its {@linkplain TopicSelector#literalSuffix() literal suffix}: a lookup hashes the
 * topic's prefixes (only the lengths some selector's prefix has) and, for each prefix group the
 * topic starts with, its suffixes (only the lengths that group holds), and evaluates only the
 * selectors whose prefix and suffix the topic both starts and ends with. A selector that cannot
 * name a prefix is evaluated for every topic. Results are cached per topic in a bounded cache,
 * emptied whenever a selector is added or removed, so a topic published again costs one lookup.
 *
 * <p>What a lookup costs: a pass over the topic per distinct prefix length and per prefix group it
 * starts with, plus one evaluation per candidate, each bounded by the template's step budget.
 * Templates that cannot match because of their prefix or suffix are never evaluated; only those
 * with an empty prefix and suffix (such as {@code {a}/x/{b}}) are, for every topic not cached.
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
    final String prefix; // null: evaluated for every topic
    final String suffix;
    final T value;

    Entry(TopicSelector selector, T value) {
      this.selector = selector;
      this.prefix = selector.literalPrefix();
      this.suffix = selector.literalSuffix();
      this.value = value;
    }
  }

  /** Selectors filed under one key of the form length << 32 | hash, with the lengths present. */
  private static final class HashedStrings<E> {
    final Map<Long, List<E>> byKey = new HashMap<>();
    final TreeMap<Integer, Integer> lengthCounts = new TreeMap<>();
    int[] lengths = new int[0]; // ascending, distinct

    void add(String text, E element) {
      byKey.computeIfAbsent(key(text), k -> new ArrayList<>(1)).add(element);
      if (lengthCounts.merge(text.length(), 1, Integer::sum) == 1) {
        lengths = lengthCounts.keySet().stream().mapToInt(Integer::intValue).toArray();
      }
    }

    void remove(String text, E element) {
      Long key = key(text);
      List<E> elements = byKey.get(key);
      elements.remove(element);
      if (elements.isEmpty()) {
        byKey.remove(key);
      }
      if (lengthCounts.merge(text.length(), -1, Integer::sum) == 0) {
        lengthCounts.remove(text.length());
        lengths = lengthCounts.keySet().stream().mapToInt(Integer::intValue).toArray();
      }
    }

    List<E> get(int length, int hash) {
      return byKey.get(((long) length << 32) | (hash & 0xFFFF_FFFFL));
    }

    boolean isEmpty() {
      return byKey.isEmpty();
    }

    static Long key(String text) {
      return ((long) text.length() << 32) | (text.hashCode() & 0xFFFF_FFFFL);
    }
  }

  /** The selectors that share one literal prefix, filed by suffix. */
  private static final class PrefixGroup<T> {
    final String prefix;
    final HashedStrings<Entry<T>> bySuffix = new HashedStrings<>();

    PrefixGroup(String prefix) {
      this.prefix = prefix;
    }
  }

  /**
   * Keyed by the selector, not its text: a URI template and a URL pattern may be written alike
   * yet match differently (selector equality includes the kind, and a URL pattern's hub URL).
   */
  private final Map<TopicSelector, Entry<T>> bySelector = new HashMap<>();
  private final Map<String, PrefixGroup<T>> groups = new HashMap<>();
  private final HashedStrings<PrefixGroup<T>> byPrefix = new HashedStrings<>();
  private final List<Entry<T>> unindexed = new ArrayList<>();
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

  /** The value filed under the selector, or null. */
  T get(TopicSelector selector) {
    Entry<T> entry = bySelector.get(selector);
    return entry == null ? null : entry.value;
  }

  /** Files {@code value} under {@code selector}, which must not be filed yet. */
  void put(TopicSelector selector, T value) {
    Entry<T> entry = new Entry<>(selector, value);
    if (bySelector.putIfAbsent(selector, entry) != null) {
      throw new IllegalStateException("selector already indexed: " + selector.raw());
    }
    cache.clear();
    if (entry.prefix == null) {
      unindexed.add(entry);
      return;
    }
    PrefixGroup<T> group = groups.get(entry.prefix);
    if (group == null) {
      group = new PrefixGroup<>(entry.prefix);
      groups.put(entry.prefix, group);
      byPrefix.add(entry.prefix, group);
    }
    group.bySuffix.add(entry.suffix, entry);
  }

  /** Forgets the selector; false if it was not filed. */
  boolean remove(TopicSelector selector) {
    Entry<T> entry = bySelector.remove(selector);
    if (entry == null) {
      return false;
    }
    cache.clear();
    if (entry.prefix == null) {
      unindexed.remove(entry);
      return true;
    }
    PrefixGroup<T> group = groups.get(entry.prefix);
    group.bySuffix.remove(entry.suffix, entry);
    if (group.bySuffix.isEmpty()) {
      groups.remove(entry.prefix);
      byPrefix.remove(entry.prefix, group);
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
    List<T> found = lookUp(topic);
    cache.put(topic, found);
    return found;
  }

  private List<T> lookUp(String topic) {
    List<T> found = new ArrayList<>(0);
    int[] suffixHashes = null;
    int hash = 0;
    int hashed = 0;
    for (int length : byPrefix.lengths) {
      if (length > topic.length()) {
        break;
      }
      while (hashed < length) {
        hash = 31 * hash + topic.charAt(hashed++); // String.hashCode() of the prefix, incrementally
      }
      List<PrefixGroup<T>> prefixed = byPrefix.get(length, hash);
      if (prefixed == null) {
        continue;
      }
      for (PrefixGroup<T> group : prefixed) {
        if (!topic.startsWith(group.prefix)) {
          continue; // a hash collision
        }
        if (suffixHashes == null) {
          suffixHashes = suffixHashes(topic);
        }
        for (int suffixLength : group.bySuffix.lengths) {
          // Expansions lie between the literals, so the two never overlap in a match.
          if (suffixLength > topic.length() - length) {
            break;
          }
          List<Entry<T>> entries = group.bySuffix.get(suffixLength, suffixHashes[suffixLength]);
          if (entries == null) {
            continue;
          }
          for (Entry<T> entry : entries) {
            if (topic.endsWith(entry.suffix) && entry.selector.matches(topic)) {
              found.add(entry.value);
            }
          }
        }
      }
    }
    for (Entry<T> entry : unindexed) {
      if (entry.selector.matches(topic)) {
        found.add(entry.value);
      }
    }
    return found.isEmpty() ? List.of() : found;
  }

  /** {@code String.hashCode()} of the topic's last {@code n} characters, for every n. */
  private static int[] suffixHashes(String topic) {
    int length = topic.length();
    int[] hashes = new int[length + 1];
    int hash = 0;
    int power = 1;
    for (int n = 1; n <= length; n++) {
      hash += topic.charAt(length - n) * power;
      power *= 31;
      hashes[n] = hash;
    }
    return hashes;
  }

  @Override
  public String toString() {
    return "SelectorIndex[" + bySelector.size() + " selectors, " + groups.size() + " prefixes, "
        + unindexed.size() + " unindexed]";
  }
}
