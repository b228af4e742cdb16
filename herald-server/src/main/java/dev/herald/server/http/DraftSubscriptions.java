package dev.herald.server.http;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.dispatch.SubscriptionPaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What the drafts' active-subscription formats share: an id under {@link
 * ActiveSubscription#COLLECTION_PATH} ending in the selector and the subscriber, a document ending
 * in the subscriber, its state and payload, a collection listing nested documents, and a count of
 * the collection a path names. Each draft says how its document and path begin. Stateless; safe
 * from any thread.
 */
abstract class DraftSubscriptions implements SubscriptionFormat {

  /**
   * The path segments between the collection and the selector, each followed by {@code /} (none for
   * draft-07, the matcher type for draft-08).
   */
  abstract String idPrefix(ActiveSubscription subscription);

  /** The document's fields before the subscriber's: its id, type and selector. */
  abstract Map<String, Object> documentHead(ActiveSubscription subscription, boolean nested);

  /** The fields of a collection before its subscriptions: its id and type. */
  abstract Map<String, Object> collectionHead(String path);

  /** Which segment of a collection path, once decoded, is the selector it counts. */
  abstract int countedSegment();

  @Override
  public final String id(ActiveSubscription subscription) {
    return ActiveSubscription.COLLECTION_PATH
        + "/"
        + idPrefix(subscription)
        + ActiveSubscription.encode(subscription.topic())
        + "/"
        + ActiveSubscription.encode(subscription.subscriber());
  }

  @Override
  public final Map<String, Object> document(ActiveSubscription subscription, boolean nested) {
    Map<String, Object> json = documentHead(subscription, nested);
    json.put("subscriber", subscription.subscriber());
    json.put("active", subscription.active());
    if (subscription.payload() != null) {
      json.put("payload", subscription.payload());
    }
    return json;
  }

  /** The collection document of {@code lookup}, listing {@code matching}. */
  final Map<String, Object> collection(Lookup lookup, List<ActiveSubscription> matching) {
    Map<String, Object> json = collectionHead(lookup.path());
    List<Object> documents = new ArrayList<>(matching.size());
    for (ActiveSubscription subscription : matching) {
      documents.add(document(subscription, true));
    }
    json.put("subscriptions", documents);
    return json;
  }

  @Override
  public final String countedTopic(String rawPath) {
    Lookup lookup = lookup(rawPath);
    if (lookup.single()) {
      throw new NoSuchElementException("a count is of a collection, not of " + rawPath);
    }
    List<String> segments = SubscriptionPaths.segments(rawPath);
    return segments.isEmpty() ? null : SubscriptionPaths.decode(segments.get(countedSegment()));
  }

  /** A new ordered JSON object: documents keep the order the drafts show their fields in. */
  static Map<String, Object> object() {
    return new LinkedHashMap<>();
  }
}
