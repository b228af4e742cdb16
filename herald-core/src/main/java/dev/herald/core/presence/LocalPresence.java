package dev.herald.core.presence;

import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.dispatch.SubscriptionsPage;
import dev.herald.core.dispatch.SubscriptionsQuery;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Presence on a hub on its own: pages come from the delivery loops' own subscribers (exact, and
 * consistent with the id they carry); counts and occupied/vacated from this node's changes alone.
 *
 * <p>Safe from any thread; {@link #changed} runs on the subscriber's loop and only updates counts
 * and queues events.
 */
public final class LocalPresence implements Presence {

  private final Function<SubscriptionsQuery, CompletableFuture<SubscriptionsPage>> lanes;
  private final Occupancy occupancy = new Occupancy();
  private volatile PresenceEvents events = PresenceEvents.NONE;

  /**
   * @param lanes the hub's own pages of its subscribers
   */
  public LocalPresence(Function<SubscriptionsQuery, CompletableFuture<SubscriptionsPage>> lanes) {
    this.lanes = lanes;
  }

  @Override
  public void changed(Subscriber subscriber, boolean active) {
    PresenceEvents told = events;
    for (PresenceEntry entry : PresenceEntry.of(subscriber, active)) {
      told.subscriptionChanged(entry.subscription());
      occupancy.change(entry.topic(), active ? 1 : -1, true);
    }
  }

  @Override
  public CompletableFuture<SubscriptionsPage> subscriptions(SubscriptionsQuery query) {
    return lanes.apply(query);
  }

  @Override
  public int count(String topic) {
    return occupancy.count(topic);
  }

  @Override
  public int total() {
    return occupancy.total();
  }

  @Override
  public void tell(PresenceEvents events) {
    this.events = events;
    occupancy.tell(events);
  }
}
