package dev.herald.core.dispatch;

import java.util.function.Predicate;

/**
 * Which page of the active subscriptions to gather: those {@code selects} accepts, in {@link
 * SubscriptionCursor} order, after {@code after}, at most {@code limit}. Immutable; {@code selects}
 * runs on every delivery loop, so it must be stateless.
 *
 * @param selects which subscriptions the page lists
 * @param subscriber when not null, only this subscriber's subscriptions are looked at (a lookup of
 *     one subscription then costs a seek, not a scan)
 * @param after the position the page starts after, or null for the first page
 * @param limit the most subscriptions the page lists, 1 to {@link #MAX_LIMIT}
 */
public record SubscriptionsQuery(
    Predicate<ActiveSubscription> selects, String subscriber, SubscriptionCursor after, int limit) {

  /** The largest page: what one request may copy and render on an event loop. */
  public static final int MAX_LIMIT = 1_000;

  /** A page's size when the client does not ask for one. */
  public static final int DEFAULT_LIMIT = MAX_LIMIT;

  public SubscriptionsQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1 to " + MAX_LIMIT + ")");
    }
  }

  /** Every subscription, from the start or after {@code after}. */
  public static SubscriptionsQuery all(SubscriptionCursor after, int limit) {
    return new SubscriptionsQuery(subscription -> true, null, after, limit);
  }

  /** What a subscriptions API path asks for, from the start or after {@code after}. */
  public static SubscriptionsQuery of(
      SubscriptionFormat.Lookup lookup, SubscriptionCursor after, int limit) {
    return new SubscriptionsQuery(lookup.selects(), lookup.subscriber(), after, limit);
  }
}
