package dev.herald.core.presence;

import dev.herald.core.dispatch.ActiveSubscription;

/**
 * What the application is told about presence (webhooks): a subscription started or ended, a topic
 * got its first subscriber or lost its last one. In a cluster each event is told by exactly one
 * node: a subscription's by the node its subscriber is connected to (or, once that node died, by
 * the node that announced it dead); a topic's by the node whose change made the count leave or
 * reach zero in the cluster's order of changes.
 *
 * <p>Called from event loops and presence threads; implementations must not block (queue and
 * return).
 */
public interface PresenceEvents {

  /** Tells nothing. */
  PresenceEvents NONE =
      new PresenceEvents() {
        @Override
        public void subscriptionChanged(ActiveSubscription subscription) {}

        @Override
        public void topicOccupied(String topic) {}

        @Override
        public void topicVacated(String topic) {}
      };

  /** A subscription became active, or ({@code subscription.active()} false) ended. */
  void subscriptionChanged(ActiveSubscription subscription);

  /** The first subscription to {@code topic} (a selector's text) in the cluster started. */
  void topicOccupied(String topic);

  /** The last subscription to {@code topic} in the cluster ended. */
  void topicVacated(String topic);
}
