package dev.herald.store;

import dev.herald.core.HubConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How the durable store behaves, validated once; every default is here and nowhere else. Immutable;
 * safe from any thread.
 *
 * @param dataDir the directory holding the database (created if missing)
 * @param fsync when a commit waits for the disk
 * @param maxEvents the newest events kept (0 keeps none); a node sets it to the hub's history size
 * @param maxAge events older than this are pruned ({@link Duration#ZERO}: no age limit)
 * @param maxBytes the retained events' payload (SSE frame plus topics) is kept under this many
 *     bytes by pruning the oldest (0: no size limit); the file is larger by the id index and page
 *     overhead
 * @param readerThreads threads, each with its own connection, that serve replay reads
 * @param readerQueueCapacity replay reads that may wait for a reader thread; past it a read is
 *     rejected and the replaying stream is closed, so the client resumes with Last-Event-ID
 * @param pruneInterval time between two background retention passes
 */
public record StoreConfig(
    Path dataDir,
    Fsync fsync,
    long maxEvents,
    Duration maxAge,
    long maxBytes,
    int readerThreads,
    int readerQueueCapacity,
    Duration pruneInterval) {

  /** Longer ages would overflow the millisecond arithmetic of pruning; nobody needs them. */
  private static final Duration LONGEST_AGE = Duration.ofDays(100 * 365);

  /**
   * Every setting at its default (data directory {@code herald-data}), as {@code herald serve}
   * starts.
   */
  public static final StoreConfig DEFAULTS =
      new StoreConfig(
          Path.of("herald-data"),
          Fsync.BATCH,
          HubConfig.DEFAULTS.historySize(),
          Duration.ZERO,
          0,
          2,
          8_192,
          Duration.ofSeconds(1));

  public StoreConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(pruneInterval, "pruneInterval");
    if (maxEvents < 0) {
      throw new IllegalArgumentException("history-size: " + maxEvents + " (expected: >= 0)");
    }
    if (maxAge.isNegative() || maxAge.compareTo(LONGEST_AGE) > 0) {
      throw new IllegalArgumentException(
          "history-max-age: "
              + maxAge
              + " (expected: 0 to "
              + LONGEST_AGE
              + ", where 0 means no age limit)");
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException(
          "history-max-bytes: " + maxBytes + " (expected: >= 0, where 0 means no size limit)");
    }
    if (readerThreads < 1) {
      throw new IllegalArgumentException("reader-threads: " + readerThreads + " (expected: >= 1)");
    }
    if (readerQueueCapacity < 1) {
      throw new IllegalArgumentException(
          "reader-queue: " + readerQueueCapacity + " (expected: >= 1)");
    }
    if (pruneInterval.isNegative() || pruneInterval.isZero()) {
      throw new IllegalArgumentException("prune-interval: " + pruneInterval + " (expected: > 0)");
    }
  }

  public StoreConfig withDataDir(Path dir) {
    return with(copy -> copy.dataDir = dir);
  }

  public StoreConfig withFsync(Fsync policy) {
    return with(copy -> copy.fsync = policy);
  }

  public StoreConfig withMaxEvents(long events) {
    return with(copy -> copy.maxEvents = events);
  }

  public StoreConfig withMaxAge(Duration age) {
    return with(copy -> copy.maxAge = age);
  }

  public StoreConfig withMaxBytes(long bytes) {
    return with(copy -> copy.maxBytes = bytes);
  }

  public StoreConfig withPruneInterval(Duration interval) {
    return with(copy -> copy.pruneInterval = interval);
  }

  /**
   * This configuration with {@code threads} reader threads and {@code queueCapacity} waiting reads.
   */
  public StoreConfig withReaders(int threads, int queueCapacity) {
    return with(
        copy -> {
          copy.readerThreads = threads;
          copy.readerQueueCapacity = queueCapacity;
        });
  }

  /** This configuration with what {@code change} sets, validated again. */
  private StoreConfig with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return new StoreConfig(
        copy.dataDir,
        copy.fsync,
        copy.maxEvents,
        copy.maxAge,
        copy.maxBytes,
        copy.readerThreads,
        copy.readerQueueCapacity,
        copy.pruneInterval);
  }

  /** The components as fields, so each wither names only the one it changes. */
  private static final class Copy {
    Path dataDir;
    Fsync fsync;
    long maxEvents;
    Duration maxAge;
    long maxBytes;
    int readerThreads;
    int readerQueueCapacity;
    Duration pruneInterval;

    Copy(StoreConfig from) {
      dataDir = from.dataDir;
      fsync = from.fsync;
      maxEvents = from.maxEvents;
      maxAge = from.maxAge;
      maxBytes = from.maxBytes;
      readerThreads = from.readerThreads;
      readerQueueCapacity = from.readerQueueCapacity;
      pruneInterval = from.pruneInterval;
    }
  }
}
