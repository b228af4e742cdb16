package dev.herald.core.presence;

import java.util.HashMap;
import java.util.Map;

/**
 * How many subscriptions each topic (a selector's text) has, and the moments it gets its first or
 * loses its last one. Fed in one order (a node's own changes, or a cluster's stream of changes), so
 * every node that applies the same changes sees the same transitions; only the node told to ({@code
 * tell}) reports one, so each is reported once.
 *
 * <p>Thread-safe: its methods lock the instance, briefly (a map update and a queued event), so the
 * transitions of a topic are reported in the order the changes were applied.
 */
public final class Occupancy {

  private final Map<String, Integer> counts = new HashMap<>();
  private volatile PresenceEvents events = PresenceEvents.NONE;
  private int total; // guarded by this

  /** Where transitions go from now on. */
  public void tell(PresenceEvents events) {
    this.events = events;
  }

  /**
   * Applies one subscription more ({@code delta} 1) or less (-1) to {@code topic}.
   *
   * @param report whether this node reports a transition the change makes
   */
  public synchronized void change(String topic, int delta, boolean report) {
    int before = counts.getOrDefault(topic, 0);
    int after = Math.max(0, before + delta);
    total += after - before;
    if (after == 0) {
      counts.remove(topic);
    } else {
      counts.put(topic, after);
    }
    if (!report) {
      return;
    }
    if (before == 0 && after > 0) {
      events.topicOccupied(topic);
    } else if (before > 0 && after == 0) {
      events.topicVacated(topic);
    }
  }

  /** Active subscriptions to {@code topic}. */
  public synchronized int count(String topic) {
    return counts.getOrDefault(topic, 0);
  }

  /** Active subscriptions in all. */
  public synchronized int total() {
    return total;
  }

  /** Topics with at least one subscription. */
  public synchronized int topics() {
    return counts.size();
  }
}
