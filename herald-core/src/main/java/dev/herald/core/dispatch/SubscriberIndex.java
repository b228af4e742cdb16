package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.topic.TopicSelector;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the subscribers of an update without scanning them all: exact selectors by hash, {@code *}
 * in one set, and every other selector (URI templates, draft-08 URL patterns) in a {@link
 * SelectorIndex}, which evaluates only the distinct selectors whose literal prefix and suffix fit
 * the topic, each once however many subscribers share it.
 *
 * <p>Owned by one {@link Lane}: only its serial drain touches it; not thread-safe.
 */
final class SubscriberIndex {

  private final Map<String, Set<Subscriber>> byExactTopic = new HashMap<>();
  private final Set<Subscriber> wildcard = new LinkedHashSet<>();
  private final SelectorIndex<Set<Subscriber>> evaluated = new SelectorIndex<>();
  private final Set<Subscriber> all = new LinkedHashSet<>();

  /** The subscriptions API's order, so a page is a seek rather than a scan and a sort. */
  private final NavigableMap<SubscriptionCursor, Subscriber> bySubscriber = new TreeMap<>();

  /** Subscribers the last {@link #dispatch} cut off because their queue was full. */
  private int cuts;

  int size() {
    return all.size();
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  /** Every registered subscriber, in registration order. */
  Set<Subscriber> all() {
    return all;
  }

  /** Every registered subscriber, keyed by {@link SubscriptionCursor#before}. */
  NavigableMap<SubscriptionCursor, Subscriber> bySubscriber() {
    return bySubscriber;
  }

  void add(Subscriber subscriber) {
    subscriber.indexed = true;
    for (TopicSelector selector : subscriber.topics()) {
      if (selector.isAny()) {
        wildcard.add(subscriber);
      } else if (selector.isExact()) {
        byExactTopic.computeIfAbsent(selector.raw(), raw -> new LinkedHashSet<>()).add(subscriber);
      } else {
        Set<Subscriber> holders = evaluated.get(selector);
        if (holders == null) {
          holders = new LinkedHashSet<>();
          evaluated.put(selector, holders);
        }
        holders.add(subscriber);
      }
    }
    all.add(subscriber);
    bySubscriber.put(SubscriptionCursor.before(subscriber), subscriber);
  }

  /** Removes the subscriber; false if it was never added (closed before it registered). */
  boolean remove(Subscriber subscriber) {
    if (!subscriber.indexed) {
      return false;
    }
    subscriber.indexed = false;
    for (TopicSelector selector : subscriber.topics()) {
      if (selector.isAny()) {
        wildcard.remove(subscriber);
      } else if (selector.isExact()) {
        Set<Subscriber> subscribers = byExactTopic.get(selector.raw());
        if (subscribers != null && subscribers.remove(subscriber) && subscribers.isEmpty()) {
          byExactTopic.remove(selector.raw());
        }
      } else {
        Set<Subscriber> holders = evaluated.get(selector);
        if (holders != null && holders.remove(subscriber) && holders.isEmpty()) {
          evaluated.remove(selector);
        }
      }
    }
    all.remove(subscriber);
    bySubscriber.remove(SubscriptionCursor.before(subscriber));
    return true;
  }

  /**
   * Offers the event to every subscriber whose selectors match one of its topics and who may read
   * it, each once even if several selectors or topics match.
   *
   * @return how many subscribers it was offered to
   */
  int dispatch(Event event) {
    List<String> topics = event.update().topics();
    cuts = 0;
    int offered = 0;
    for (String topic : topics) {
      Set<Subscriber> exact = byExactTopic.get(topic);
      if (exact != null) {
        offered += offerAll(exact, event);
      }
    }
    offered += offerAll(wildcard, event);
    for (String topic : topics) {
      // A subscriber matched through several selectors or topics is offered the event once.
      for (Set<Subscriber> holders : evaluated.matching(topic)) {
        offered += offerAll(holders, event);
      }
    }
    return offered;
  }

  /** How many subscribers the last {@link #dispatch} cut off as too slow. */
  int cutsOfLastDispatch() {
    return cuts;
  }

  private int offerAll(Set<Subscriber> subscribers, Event event) {
    int offered = 0;
    long sequence = event.sequence();
    for (Subscriber subscriber : subscribers) {
      // Sequences only grow, so this also skips what the subscriber had before it registered.
      if (sequence > subscriber.lastOfferedSequence) {
        subscriber.lastOfferedSequence = sequence;
        if (subscriber.mayRead(event.update())) {
          if (!subscriber.offer(event)) {
            cuts++;
          }
          offered++;
        }
      }
    }
    return offered;
  }
}
