package dev.herald.store;

import java.util.concurrent.locks.ReentrantLock;

/**
 * What the log holds, as last committed: the oldest and newest sequence, the retained payload bytes
 * and the newest id.
 *
 * <p>Threading: changed only while holding {@link #writeLock}, which the appender (the dispatcher
 * thread) and the pruner take around each of their write transactions; so they never meet in
 * SQLite's own busy handler, which sleeps, and the fair lock lets an append wait for at most one
 * pruning step. Read from any thread.
 */
final class LogState {

  final ReentrantLock writeLock = new ReentrantLock(true);

  /** The oldest retained sequence; {@code last + 1} when nothing is retained. */
  volatile long first;

  volatile long last;

  /** The payload bytes of the retained events, as counted for {@code --history-max-bytes}. */
  volatile long bytes;

  /** The id of the newest retained event, or null when nothing is retained. */
  volatile String lastId;

  boolean isEmpty() {
    return first > last;
  }
}
