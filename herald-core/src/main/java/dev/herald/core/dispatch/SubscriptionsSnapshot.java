package dev.herald.core.dispatch;

import java.util.List;

/**
 * The active subscriptions at one moment, with the id of the last event dispatched then, so a
 * client can subscribe to subscription events from exactly that point. Immutable.
 *
 * @param lastEventId the last event's id, or {@code earliest} when there was none
 */
public record SubscriptionsSnapshot(List<ActiveSubscription> subscriptions, String lastEventId) {}
