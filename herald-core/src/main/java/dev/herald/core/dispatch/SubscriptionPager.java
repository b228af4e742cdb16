package dev.herald.core.dispatch;

import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;

/**
 * Pages of the active subscriptions with bounded work on every thread. Each lane answers from its
 * subscribers ordered by {@link SubscriptionCursor} (a seek, then at most {@link #SCAN_BUDGET}
 * subscriptions looked at, at most {@code limit} kept); the hub merges the lanes' parts, keeping
 * the {@code limit} first, so no request copies or sorts every subscription of the hub.
 *
 * <p>Stateless: {@link #page} runs in a lane's drain on the map that lane owns, {@link #merge} on
 * whichever thread completes the last part.
 */
final class SubscriptionPager {

  /**
   * Subscriptions one lane looks at, at most, for one page: a filter that few subscriptions match
   * (a per-topic listing, or a reader of the other protocol) ends the page early rather than scan
   * the whole loop.
   */
  static final int SCAN_BUDGET = 10 * SubscriptionsQuery.MAX_LIMIT;

  private SubscriptionPager() {}

  /** A subscription and its position. */
  record Entry(SubscriptionCursor position, ActiveSubscription subscription) {}

  /**
   * One lane's part of a page: the matching subscriptions in order, and how far the lane looked.
   *
   * @param through the last position the lane looked at: every match up to it is in {@code
   *     entries}; null when the lane looked at all it has after the query's cursor
   * @param examined how many subscriptions were looked at: the part's cost on the lane's loop
   */
  record LanePart(List<Entry> entries, SubscriptionCursor through, int examined) {}

  private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::position);

  /** A lane's part of the page, from its subscribers keyed by {@link SubscriptionCursor#before}. */
  static LanePart page(
      NavigableMap<SubscriptionCursor, Subscriber> bySubscriber, SubscriptionsQuery query) {
    return page(bySubscriber, query, SCAN_BUDGET);
  }

  static LanePart page(
      NavigableMap<SubscriptionCursor, Subscriber> bySubscriber,
      SubscriptionsQuery query,
      int scanBudget) {
    SubscriptionCursor after = query.after();
    // The cursor's own subscriber is included: its selectors after the cursor's come next.
    SubscriptionCursor from =
        after == null ? null : new SubscriptionCursor(after.subscriber(), after.serial(), -1);
    NavigableMap<SubscriptionCursor, Subscriber> range;
    if (query.subscriber() != null) {
      SubscriptionCursor first = new SubscriptionCursor(query.subscriber(), Long.MIN_VALUE, -1);
      SubscriptionCursor last = new SubscriptionCursor(query.subscriber(), Long.MAX_VALUE, -1);
      if (from == null || from.compareTo(first) < 0) {
        from = first;
      }
      range =
          from.compareTo(last) > 0
              ? Collections.emptyNavigableMap()
              : bySubscriber.subMap(from, true, last, true);
    } else {
      range = from == null ? bySubscriber : bySubscriber.tailMap(from, true);
    }
    List<Entry> entries = new ArrayList<>(Math.min(query.limit(), 64));
    SubscriptionCursor through = null;
    int examined = 0;
    for (Subscriber subscriber : range.values()) {
      List<TopicSelector> selectors = subscriber.topics();
      int first = 0;
      if (after != null
          && subscriber.serial == after.serial()
          && subscriber.id().equals(after.subscriber())) {
        first = after.selector() + 1;
      }
      for (int i = first; i < selectors.size(); i++) {
        if (examined == scanBudget) {
          return new LanePart(entries, through, examined); // more remain after through
        }
        examined++;
        through = new SubscriptionCursor(subscriber.id(), subscriber.serial, i);
        ActiveSubscription subscription =
            new ActiveSubscription(
                selectors.get(i),
                subscriber.id(),
                subscriber.payloadOf(i),
                true,
                subscriber.format());
        if (query.selects().test(subscription)) {
          entries.add(new Entry(through, subscription));
          if (entries.size() == query.limit()) {
            return new LanePart(entries, through, examined);
          }
        }
      }
    }
    return new LanePart(entries, null, examined);
  }

  /**
   * The page the lanes' parts make together. Only positions up to the lowest {@code through} of the
   * parts were looked at by every lane, so the page ends there at the latest; within that, the
   * {@code limit} first. Work: at most lanes × limit entries.
   */
  static SubscriptionsPage merge(List<LanePart> parts, int limit, String lastEventId) {
    SubscriptionCursor covered = null; // null: every lane looked at everything it has
    for (LanePart part : parts) {
      if (part.through() != null && (covered == null || part.through().compareTo(covered) < 0)) {
        covered = part.through();
      }
    }
    List<Entry> complete = new ArrayList<>();
    for (LanePart part : parts) {
      for (Entry entry : part.entries()) {
        if (covered == null || entry.position().compareTo(covered) <= 0) {
          complete.add(entry);
        }
      }
    }
    complete.sort(ORDER);
    SubscriptionCursor next;
    if (complete.size() > limit) {
      complete = complete.subList(0, limit);
      next = complete.get(limit - 1).position();
    } else {
      next = covered; // everything up to it is listed
    }
    List<ActiveSubscription> subscriptions = new ArrayList<>(complete.size());
    for (Entry entry : complete) {
      subscriptions.add(entry.subscription());
    }
    return new SubscriptionsPage(subscriptions, lastEventId, next);
  }
}
