package dev.herald.core.presence;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionCursor;
import dev.herald.core.dispatch.SubscriptionsPage;
import dev.herald.core.dispatch.SubscriptionsQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica of the active subscriptions of a whole cluster, in the subscriptions API's order, so a
 * node answers the API and presence counts from memory, never by asking the other nodes. Pages cost
 * a seek and at most {@link #SCAN_BUDGET} entries looked at, as the lanes' pages do.
 *
 * <p>Thread-safe (concurrent maps): written by the replica's feeder and this node's event loops,
 * read by the API on any loop. A page is weakly consistent: an entry added or removed while it is
 * gathered may or may not be on it.
 */
public final class PresenceBook {

  /** Entries one page looks at, at most: a filter that few entries match ends a page early. */
  public static final int SCAN_BUDGET = 10 * SubscriptionsQuery.MAX_LIMIT;

  private final ConcurrentSkipListMap<SubscriptionCursor, ActiveSubscription> entries =
      new ConcurrentSkipListMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  /** Adds the entry; false when its position was already listed (then nothing changes). */
  public boolean put(PresenceEntry entry) {
    if (entries.putIfAbsent(entry.position(), entry.subscription()) != null) {
      return false;
    }
    counts.computeIfAbsent(entry.topic(), topic -> new AtomicInteger()).incrementAndGet();
    return true;
  }

  /** Removes the entry at {@code position}; the removed subscription, or null when none was. */
  public ActiveSubscription remove(SubscriptionCursor position) {
    ActiveSubscription removed = entries.remove(position);
    if (removed != null) {
      counts.computeIfPresent(
          removed.topic(), (topic, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
    return removed;
  }

  /** Active subscriptions whose selector is exactly {@code topic}. */
  public int count(String topic) {
    AtomicInteger count = counts.get(topic);
    return count == null ? 0 : Math.max(0, count.get());
  }

  public int size() {
    return entries.size();
  }

  /** The page {@code query} asks for, tagged with {@code lastEventId}. */
  public SubscriptionsPage page(SubscriptionsQuery query, String lastEventId) {
    return page(query, lastEventId, SCAN_BUDGET);
  }

  SubscriptionsPage page(SubscriptionsQuery query, String lastEventId, int scanBudget) {
    NavigableMap<SubscriptionCursor, ActiveSubscription> range = entries;
    SubscriptionCursor after = query.after();
    if (query.subscriber() != null) {
      SubscriptionCursor first = new SubscriptionCursor(query.subscriber(), Long.MIN_VALUE, -1);
      SubscriptionCursor last =
          new SubscriptionCursor(query.subscriber(), Long.MAX_VALUE, Integer.MAX_VALUE);
      boolean fromAfter = after != null && after.compareTo(first) > 0;
      SubscriptionCursor from = fromAfter ? after : first;
      range =
          from.compareTo(last) >= 0
              ? new ConcurrentSkipListMap<>()
              : range.subMap(from, !fromAfter, last, true);
    } else if (after != null) {
      range = range.tailMap(after, false);
    }
    List<ActiveSubscription> page = new ArrayList<>(Math.min(query.limit(), 64));
    SubscriptionCursor through = null;
    int examined = 0;
    for (Map.Entry<SubscriptionCursor, ActiveSubscription> entry : range.entrySet()) {
      if (examined == scanBudget) {
        return new SubscriptionsPage(page, lastEventId, through);
      }
      examined++;
      through = entry.getKey();
      if (query.selects().test(entry.getValue())) {
        page.add(entry.getValue());
        if (page.size() == query.limit()) {
          return new SubscriptionsPage(page, lastEventId, through);
        }
      }
    }
    return new SubscriptionsPage(page, lastEventId, null);
  }
}
