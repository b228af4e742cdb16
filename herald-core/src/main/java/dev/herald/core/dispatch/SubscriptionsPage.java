package dev.herald.core.dispatch;

import java.util.List;

/**
 * One page of the active subscriptions, in {@link SubscriptionCursor} order, with the id of the
 * last event dispatched when the page was gathered. Immutable.
 *
 * <p>A page may hold fewer subscriptions than asked for, even none, and still have a next one: each
 * loop looks at a bounded number of subscriptions per page, so a filter that few match ends a page
 * early. Only a null {@code next} means the listing is complete.
 *
 * @param lastEventId the last event's id, or {@code earliest} when there was none
 * @param next where the next page starts, or null when this is the last page
 */
public record SubscriptionsPage(
    List<ActiveSubscription> subscriptions, String lastEventId, SubscriptionCursor next) {}
