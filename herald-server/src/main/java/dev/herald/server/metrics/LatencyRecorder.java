package dev.herald.server.metrics;

/**
 * Takes one publish-to-deliver latency. Called on the event loops for every live delivery, so
 * implementations must be wait-free and allocation-free.
 */
@FunctionalInterface
public interface LatencyRecorder {

  /** For a hub without metrics: records nothing. */
  LatencyRecorder NONE = nanos -> {};

  void record(long nanos);

  /**
   * The recorder for the calling thread's own use, so the event loops do not share one histogram (a
   * cache line every delivery of every loop would write); call once per stream, on its loop.
   */
  default LatencyRecorder forCurrentThread() {
    return this;
  }
}
