package dev.herald.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second hub from opening the same data directory, which would interleave two sequence
 * counters in one log. The operating system releases the lock when the process dies, so a hub
 * restarted after {@code kill -9} gets it back.
 *
 * <p>Threading: taken by the thread that opens the store, released by the one that closes it.
 */
final class DirectoryLock implements AutoCloseable {

  static final String LOCK_FILE = "herald.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DirectoryLock acquire(Path dataDir) {
    Path file = dataDir.resolve(LOCK_FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StoreException("data-dir " + dataDir + ": cannot open " + file + " (" + e + ")", e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      StoreException failure =
          new StoreException("data-dir " + dataDir + ": already open in this process", e);
      Schema.closeQuietly(channel, failure);
      throw failure;
    } catch (IOException e) {
      StoreException failure =
          new StoreException("data-dir " + dataDir + ": cannot lock " + file + " (" + e + ")", e);
      Schema.closeQuietly(channel, failure);
      throw failure;
    }
    if (lock == null) {
      StoreException failure =
          new StoreException(
              "data-dir " + dataDir + ": in use by another process (" + file + " is locked)");
      Schema.closeQuietly(channel, failure);
      throw failure;
    }
    return new DirectoryLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
