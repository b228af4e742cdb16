package dev.herald.core.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Where a durable webhook subscriber's cursor (the id of the last update its receiver took) is
 * kept, so a restarted hub resumes it; in a cluster, also which node delivers it. Implementations
 * are safe from any thread; each name is written by one thread only (its subscriber's).
 */
public interface CursorStore extends AutoCloseable {

  /**
   * Whether this node may deliver {@code name} now: always on a hub of its own; in a cluster, while
   * it holds the subscriber's lease, which this call takes or renews (cheaply: a lease is renewed
   * at most every third of its length). A node that lost it must stop delivering.
   */
  default boolean hold(String name) {
    return true;
  }

  /** Gives {@code name}'s lease up at once (a closing node), so another takes over. */
  default void release(String name) {}

  /** Subscribers registered at run time (by API), by name: each one's definition as saved. */
  Map<String, String> registrations();

  /** Saves (or replaces) the definition of the subscriber {@code name}. */
  void register(String name, String definition);

  /** Forgets the subscriber {@code name}: its definition and its cursor. */
  void unregister(String name);

  @Override
  default void close() {}

  /** The saved cursor of {@code name}, or null when it has none. */
  String load(String name);

  void save(String name, String lastEventId);

  /** Cursors in memory only: a restarted hub starts its subscribers from then on. */
  static CursorStore memory() {
    Map<String, String> cursors = new ConcurrentHashMap<>();
    Map<String, String> definitions = new ConcurrentHashMap<>();
    return new CursorStore() {
      @Override
      public Map<String, String> registrations() {
        return Map.copyOf(definitions);
      }

      @Override
      public void register(String name, String definition) {
        definitions.put(name, definition);
      }

      @Override
      public void unregister(String name) {
        definitions.remove(name);
        cursors.remove(name);
      }

      @Override
      public String load(String name) {
        return cursors.get(name);
      }

      @Override
      public void save(String name, String lastEventId) {
        cursors.put(name, lastEventId);
      }
    };
  }

  /**
   * One small file per subscriber in {@code dir} (created if missing), replaced atomically on each
   * save, so a crash leaves the old cursor or the new one. Not fsynced: after a power loss a
   * receiver may get a few updates again, which it tells apart by {@code webhook-id}.
   */
  static CursorStore directory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("webhook cursors: cannot create " + dir, e);
    }
    return new CursorStore() {
      private static final String DEFINITION = ".registration";

      @Override
      public Map<String, String> registrations() {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.toList()) {
            String fileName = file.getFileName().toString();
            if (fileName.endsWith(DEFINITION)) {
              all.put(
                  fileName.substring(0, fileName.length() - DEFINITION.length()),
                  Files.readString(file, StandardCharsets.UTF_8));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("webhook registrations: " + e.getMessage(), e);
        }
        return all;
      }

      @Override
      public void register(String name, String definition) {
        replace(name + DEFINITION, definition);
      }

      @Override
      public void unregister(String name) {
        try {
          Files.deleteIfExists(dir.resolve(name + DEFINITION));
          Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
          throw new UncheckedIOException("webhook registration " + name + ": " + e.getMessage(), e);
        }
      }

      @Override
      public String load(String name) {
        try {
          return Files.readString(dir.resolve(name), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException none) {
          return null;
        } catch (IOException e) {
          throw new UncheckedIOException("webhook cursor " + name + ": " + e.getMessage(), e);
        }
      }

      @Override
      public void save(String name, String lastEventId) {
        replace(name, lastEventId);
      }

      /** Writes {@code file} whole, then renames it in place: a crash leaves old or new. */
      private void replace(String file, String text) {
        Path partial = dir.resolve(file + ".partial");
        try {
          Files.writeString(partial, text, StandardCharsets.UTF_8);
          try {
            Files.move(
                partial,
                dir.resolve(file),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("webhook " + file + ": " + e.getMessage(), e);
        }
      }
    };
  }
}
