package dev.herald.core.dispatch;

import dev.herald.core.topic.TopicSelector;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How one version of the protocol shows active subscriptions: the topic (and id) of a
 * subscription's events, its document, the SSE {@code event} type they carry, what a subscriptions
 * API path asks for and where that API's reconciliation cursor goes. Each subscriber keeps the
 * format of the protocol it subscribed with, so its subscription events and its entries in the API
 * are in that protocol's shape; nothing else asks which version it serves.
 *
 * <p>Core knows no version: each protocol dialect of the server implements this and passes it with
 * each subscriber it opens ({@code Hub.newSubscriberOf}).
 *
 * <p>Implementations are stateless; safe from any thread.
 */
public interface SubscriptionFormat {

  /**
   * What a subscriptions API path asks for.
   *
   * @param path the path as requested, which is the id of the document answered
   * @param subscriber the subscriber's id when one subscription is asked for (a 404 when none is
   *     active), else null
   * @param selects which of this format's active subscriptions the answer lists
   */
  record Lookup(String path, String subscriber, Predicate<ActiveSubscription> selects) {

    /** Whether one subscription is asked for, rather than a collection. */
    public boolean single() {
      return subscriber != null;
    }
  }

  /**
   * A short stable name (such as {@code 07}), stored with a subscription where it leaves the
   * process (the cluster's presence) so that another node reads it back in this format.
   */
  String name();

  /**
   * The selector of a subscription in this format, rebuilt from its text and kind where it was
   * stored (the cluster's presence keeps only what the subscriptions API shows).
   *
   * @throws IllegalArgumentException if {@code raw} is not a selector of this format
   */
  TopicSelector selector(String raw, TopicSelector.Kind kind);

  /** The subscription's id, which is also the topic of its subscription events. */
  String id(ActiveSubscription subscription);

  /** The subscription's document, as a subscription event and the API carry it. */
  Map<String, Object> document(ActiveSubscription subscription, boolean nested);

  /** The SSE {@code event} type of subscription events, or null for none. */
  String eventType();

  /**
   * What a path under {@link ActiveSubscription#COLLECTION_PATH} asks for, given raw (still
   * percent-encoded, so an encoded {@code /} inside a selector does not split it).
   *
   * @throws java.util.NoSuchElementException when the path names no resource of this format
   * @throws IllegalArgumentException when a segment is not well percent-encoded
   */
  Lookup lookup(String rawPath);

  /** The API's answer to {@code lookup}: {@code matching} is what it selected, possibly empty. */
  Map<String, Object> answer(Lookup lookup, List<ActiveSubscription> matching, String lastEventId);

  /**
   * The selector text a collection path names (draft-07's topic, draft-08's match), whose presence
   * count the API answers with {@code ?count}; null for the whole collection.
   *
   * @throws java.util.NoSuchElementException when the path names no collection of this format
   * @throws IllegalArgumentException when a segment is not well percent-encoded
   */
  String countedTopic(String rawPath);

  /** The API's {@code Content-Type}. */
  String contentType();

  /** The API's {@code Link} header, with the cursor when this format carries it there. */
  String link(String lastEventId);
}
