package dev.herald.core.dispatch;

/**
 * Told when a subscriber's subscriptions start or end on this node: after it joined its lane, and
 * after it left it (each subscriber that joined is told gone exactly once). Presence and webhooks
 * listen here; the protocol's subscription events are published beside it.
 *
 * <p>Called on the subscriber's delivery loop (its lane's drain), so an implementation must not
 * block: it records the change and hands any slow work to a thread of its own.
 */
public interface SubscriptionListener {

  void changed(Subscriber subscriber, boolean active);
}
