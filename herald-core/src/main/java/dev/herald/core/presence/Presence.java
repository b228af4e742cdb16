package dev.herald.core.presence;

import dev.herald.core.dispatch.SubscriptionListener;
import dev.herald.core.dispatch.SubscriptionsPage;
import dev.herald.core.dispatch.SubscriptionsQuery;
import java.util.concurrent.CompletableFuture;

/**
 * Who is subscribed, as the subscriptions API and presence counts answer it: this node's
 * subscribers ({@link LocalPresence}), or the whole cluster's from a replica every node keeps (the
 * Redis transport's). Hears this node's subscribers come and go as a {@link SubscriptionListener}
 * (so it must not block there) and tells the application through {@link PresenceEvents}.
 *
 * <p>Implementations are safe from any thread.
 */
public interface Presence extends SubscriptionListener, AutoCloseable {

  /** One page of the active subscriptions, bounded in work on every thread. */
  CompletableFuture<SubscriptionsPage> subscriptions(SubscriptionsQuery query);

  /** Active subscriptions whose selector is exactly {@code topic}, whichever protocol; O(1). */
  int count(String topic);

  /** Active subscriptions in all. */
  int total();

  /** Where joins, leaves, and occupied and vacated topics go from now on. */
  void tell(PresenceEvents events);

  /** Says goodbye (a cluster's replica: this node's subscriptions end everywhere at once). */
  @Override
  default void close() {}
}
