package dev.herald.core.presence;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.dispatch.SubscriptionCursor;
import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * One subscription and its place in the subscriptions API's order. Immutable; safe from any thread.
 *
 * @param position where the API lists it (and the key that tells it apart on its node)
 * @param subscription the subscription, active or (in a leave) not
 */
public record PresenceEntry(SubscriptionCursor position, ActiveSubscription subscription) {

  /** The topic presence is counted under: the selector as the subscriber wrote it. */
  public String topic() {
    return subscription.topic();
  }

  /** One entry per selector of {@code subscriber}, {@code active} or not. */
  public static List<PresenceEntry> of(Subscriber subscriber, boolean active) {
    List<TopicSelector> selectors = subscriber.topics();
    List<PresenceEntry> entries = new ArrayList<>(selectors.size());
    for (int i = 0; i < selectors.size(); i++) {
      entries.add(
          new PresenceEntry(
              new SubscriptionCursor(subscriber.id(), subscriber.serial(), i),
              new ActiveSubscription(
                  selectors.get(i),
                  subscriber.id(),
                  subscriber.payloadOf(i),
                  active,
                  subscriber.format())));
    }
    return entries;
  }
}
