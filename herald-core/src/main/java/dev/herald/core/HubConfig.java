package dev.herald.core;

/**
 * How the hub core behaves, validated once; every default is here and nowhere else.
 *
 * @param historySize events kept for reconnecting subscribers (0 keeps none)
 * @param subscriberQueueCapacity live events that may wait for one subscriber before it is cut off
 *     (rounded up to a power of two, at least 32)
 * @param dispatchQueueCapacity publishes and subscriptions waiting for the dispatcher before the
 *     hub answers 503
 * @param maxTopicsPerSubscription topic selectors allowed on one subscription
 * @param subscriptionEvents whether subscriptions are announced as private updates and listed by
 *     the subscriptions API (the protocol's optional active-subscriptions feature)
 */
public record HubConfig(
    int historySize,
    int subscriberQueueCapacity,
    int dispatchQueueCapacity,
    int maxTopicsPerSubscription,
    boolean subscriptionEvents) {

  /** Every setting at its default: the values {@code herald serve} starts with. */
  public static final HubConfig DEFAULTS = new HubConfig(10_000, 4_096, 65_536, 1_000, false);

  public HubConfig {
    requireAtLeast("history-size", historySize, 0);
    requireAtLeast("subscriber-queue", subscriberQueueCapacity, 1);
    requireAtLeast("dispatch-queue", dispatchQueueCapacity, 1);
    requireAtLeast("max-topics", maxTopicsPerSubscription, 1);
  }

  public HubConfig withHistorySize(int size) {
    return new HubConfig(
        size,
        subscriberQueueCapacity,
        dispatchQueueCapacity,
        maxTopicsPerSubscription,
        subscriptionEvents);
  }

  public HubConfig withSubscriberQueueCapacity(int capacity) {
    return new HubConfig(
        historySize, capacity, dispatchQueueCapacity, maxTopicsPerSubscription, subscriptionEvents);
  }

  public HubConfig withSubscriptionEvents(boolean enabled) {
    return new HubConfig(
        historySize,
        subscriberQueueCapacity,
        dispatchQueueCapacity,
        maxTopicsPerSubscription,
        enabled);
  }

  private static void requireAtLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
    }
  }
}
