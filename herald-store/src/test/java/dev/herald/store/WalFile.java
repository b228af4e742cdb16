package dev.herald.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * Reads the frame headers of an SQLite write-ahead log
 * (https://sqlite.org/fileformat.html#walformat) to find where its last committed transaction ends,
 * and writes a torn transaction there. Used by the test thread only.
 */
final class WalFile {

  private static final int HEADER_BYTES = 32;
  private static final int FRAME_HEADER_BYTES = 24;

  /** Where the log stands: the current salts and the end of the last committed frame. */
  record Layout(
      int pageSize, int salt1, int salt2, long endOfLastCommit, int framesAfterLastCommit) {}

  private WalFile() {}

  /**
   * Frames of the current generation carry the header's salts; the last one whose header records a
   * database size (a commit frame) ends the last transaction that counts.
   */
  static Layout read(Path wal) throws IOException {
    try (FileChannel channel = FileChannel.open(wal, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      readFully(channel, header, 0);
      int pageSize = header.getInt(8);
      int salt1 = header.getInt(16);
      int salt2 = header.getInt(20);
      long frameBytes = FRAME_HEADER_BYTES + (long) pageSize;
      long endOfLastCommit = HEADER_BYTES;
      int framesAfterLastCommit = 0;
      ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES);
      for (long at = HEADER_BYTES; at + frameBytes <= channel.size(); at += frameBytes) {
        frame.clear();
        readFully(channel, frame, at);
        if (frame.getInt(8) != salt1 || frame.getInt(12) != salt2) {
          break; // a frame of an earlier generation: the log restarted before it
        }
        if (frame.getInt(4) != 0) {
          endOfLastCommit = at + frameBytes;
          framesAfterLastCommit = 0;
        } else {
          framesAfterLastCommit++;
        }
      }
      return new Layout(pageSize, salt1, salt2, endOfLastCommit, framesAfterLastCommit);
    }
  }

  /**
   * Writes, right after the last commit, a transaction whose frames carry the current salts and a
   * commit marker but whose checksums and pages are random, and whose last page is cut short: what
   * a crash in the middle of a commit leaves when the disk reorders or tears writes.
   */
  static void writeTornTransaction(Path wal, Layout layout, Random random) throws IOException {
    try (FileChannel channel = FileChannel.open(wal, StandardOpenOption.WRITE)) {
      long at = layout.endOfLastCommit();
      int frames = 3;
      for (int i = 0; i < frames; i++) {
        boolean last = i == frames - 1;
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + layout.pageSize());
        frame.putInt(2 + i); // page number: real pages of the database, so garbage would be read
        frame.putInt(last ? 1_000_000 : 0); // the commit marker on the last frame
        frame.putInt(layout.salt1());
        frame.putInt(layout.salt2());
        frame.putInt(random.nextInt());
        frame.putInt(random.nextInt());
        byte[] page = new byte[layout.pageSize()];
        random.nextBytes(page);
        frame.put(page);
        frame.flip();
        if (last) {
          frame.limit(FRAME_HEADER_BYTES + layout.pageSize() / 2); // torn in the middle
        }
        while (frame.hasRemaining()) {
          at += channel.write(frame, at);
        }
      }
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long at)
      throws IOException {
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at + buffer.position());
      if (read < 0) {
        throw new IOException("unexpected end of the log at " + (at + buffer.position()));
      }
    }
  }
}
