package dev.herald.core.topic.urlpattern;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Compiled components shared between patterns: most patterns repeat the same protocol, host and
 * {@code *} components, and each compiled regular expression costs about a kilobyte. Bounded; when
 * full, an arbitrary entry makes room.
 *
 * <p>Thread-safe; a component may be compiled twice under a race, one of the two is kept.
 */
final class ComponentCache {

  static final int CAPACITY = 4_096;

  /** What a component's compilation depends on: its name stands for its encoding callback. */
  private record Key(String component, String input, Options options) {}

  private static final Map<Key, Component> COMPONENTS = new ConcurrentHashMap<>();

  private ComponentCache() {}

  static Component get(
      String component, String input, Options options, Supplier<Component> compile) {
    Key key = new Key(component, input, options);
    Component cached = COMPONENTS.get(key);
    if (cached != null) {
      return cached;
    }
    Component compiled = compile.get();
    while (COMPONENTS.size() >= CAPACITY) {
      Iterator<Key> victims = COMPONENTS.keySet().iterator();
      if (!victims.hasNext()) {
        break;
      }
      victims.next();
      victims.remove();
    }
    Component raced = COMPONENTS.putIfAbsent(key, compiled);
    return raced != null ? raced : compiled;
  }
}
