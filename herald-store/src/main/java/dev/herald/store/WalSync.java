package dev.herald.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Makes the commits written to SQLite's write-ahead log durable with one {@code fdatasync} of the
 * log file. The writer runs with {@code synchronous=NORMAL}, so a commit only writes its frames
 * into the log (they survive a crash of the process from then on); the history calls {@link #sync}
 * after each commit that must survive a crash of the machine. SQLite's own {@code synchronous=FULL}
 * syncs the same file at the same point with {@code fsync}, which also commits the file's
 * modification time to the filesystem's journal: measured on this project's host, an fsync of a
 * rewritten page costs 2.5 to 3 times an fdatasync, and every durable publish waits for one.
 *
 * <p>The file is looked up by path on each sync and reopened if it is not the one held (SQLite
 * removes the log when the last connection closes and creates it again on the next open), so a sync
 * never flushes a file that is no longer the log. POSIX locks are not an issue: SQLite locks the
 * database and its shared-memory index, never the log, so this descriptor's close releases nothing
 * of SQLite's.
 *
 * <p>Threading: the writer's (the dispatcher thread, under the history's write lock); {@link
 * #close} after the writer connection is closed.
 */
final class WalSync implements Closeable {

  private final Path wal;
  private FileChannel channel;
  private Object fileKey;

  WalSync(Path database) {
    this.wal = database.resolveSibling(database.getFileName() + "-wal");
  }

  /** Everything written to the log so far is on the disk when this returns. */
  void sync() throws IOException {
    Object key = Files.readAttributes(wal, BasicFileAttributes.class).fileKey();
    if (channel == null || key == null || !key.equals(fileKey)) {
      reopen(key);
    }
    channel.force(false);
  }

  private void reopen(Object key) throws IOException {
    close();
    // WRITE without CREATE: opens the log SQLite made, never makes one of its own.
    channel = FileChannel.open(wal, StandardOpenOption.WRITE);
    fileKey = key;
  }

  /** The identity of the file held open (null before the first sync): for tests. */
  Object heldKey() {
    return fileKey;
  }

  /** The log file this syncs. */
  Path file() {
    return wal;
  }

  @Override
  public void close() throws IOException {
    FileChannel open = channel;
    channel = null;
    fileKey = null;
    if (open != null) {
      open.close();
    }
  }
}
