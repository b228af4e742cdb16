package dev.herald.store;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.sse.SseFrame;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link CrashTest}: appends groups of events until it is killed, printing
 * {@code ack <sequence> <id>} for each event once the append that holds it has returned. Runs on
 * its main thread only.
 *
 * <p>Arguments: data directory, fsync policy, random seed (group sizes), last sequence to write.
 */
public final class CrashWriter {

  private CrashWriter() {}

  /** The event with this sequence, the same in the child and in the test that checks it. */
  static Event expected(long sequence) {
    // Sizes vary from a few bytes to several pages so transactions span many WAL frames.
    String data = "payload " + sequence + " " + "x".repeat((int) (sequence * 7919 % 3_000));
    Update update =
        new Update(
            List.of("https://example.com/crash/" + sequence % 5),
            data,
            false, // public, so that a subscriber without claims receives every one
            "crash-" + sequence,
            sequence % 3 == 0 ? "tick" : null,
            sequence % 4 == 0 ? 1_000L : null);
    return new Event(sequence, update, SseFrame.encode(update));
  }

  public static void main(String[] args) {
    Path dataDir = Path.of(args[0]);
    Fsync fsync = Fsync.parse(args[1]);
    Random random = new Random(Long.parseLong(args[2]));
    long lastToWrite = Long.parseLong(args[3]);
    PrintStream out = System.out;
    StoreConfig config =
        StoreConfig.DEFAULTS.withDataDir(dataDir).withFsync(fsync).withMaxEvents(Long.MAX_VALUE);
    try (SqliteHistory history = SqliteHistory.open(config)) {
      out.println("ready " + history.lastSequence());
      out.flush();
      long next = history.lastSequence() + 1;
      while (next <= lastToWrite) {
        int size = (int) Math.min(1 + random.nextInt(64), lastToWrite - next + 1);
        List<Event> group = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
          group.add(expected(next + i));
        }
        history.append(group);
        for (Event event : group) {
          out.println("ack " + event.sequence() + " " + event.id());
        }
        out.flush();
        next += size;
      }
      out.println("done");
      out.flush();
    }
  }
}
