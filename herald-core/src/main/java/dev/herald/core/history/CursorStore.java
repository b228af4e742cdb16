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
import java.util.concurrent.ConcurrentHashMap;

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

  @Override
  default void close() {}

  /** The saved cursor of {@code name}, or null when it has none. */
  String load(String name);

  void save(String name, String lastEventId);

  /** Cursors in memory only: a restarted hub starts its subscribers from then on. */
  static CursorStore memory() {
    Map<String, String> cursors = new ConcurrentHashMap<>();
    return new CursorStore() {
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
        Path partial = dir.resolve(name + ".partial");
        try {
          Files.writeString(partial, lastEventId, StandardCharsets.UTF_8);
          try {
            Files.move(
                partial,
                dir.resolve(name),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("webhook cursor " + name + ": " + e.getMessage(), e);
        }
      }
    };
  }
}
