package dev.herald.store;

import java.util.Locale;

/**
 * When an acknowledged event has reached the disk. Immutable; safe from any thread.
 *
 * <p>Mapped onto SQLite in WAL mode: {@code synchronous=FULL} fsyncs the write-ahead log on every
 * commit; {@code synchronous=NORMAL} fsyncs only at checkpoints, so commits never wait for the disk
 * and a power cut can lose the newest commits but never corrupts the file.
 */
public enum Fsync {
  /** One commit, and so one fsync, per event. The slowest; for hubs that publish rarely. */
  ALWAYS,
  /**
   * One commit per group of publishes that waited together (group commit): every publisher waits
   * for the fsync of the batch that holds its event. The default.
   */
  BATCH,
  /**
   * One commit per group, no fsync: acknowledged events survive a crash of the process (they are in
   * the OS page cache) but not a crash of the machine.
   */
  NEVER;

  /** Parses {@code always}, {@code batch} or {@code never}, in any case. */
  public static Fsync parse(String value) {
    for (Fsync fsync : values()) {
      if (fsync.name().equalsIgnoreCase(value.trim())) {
        return fsync;
      }
    }
    throw new IllegalArgumentException("fsync: '" + value + "' (expected: always, batch or never)");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
