package dev.herald.core.dispatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Draft-07 active subscriptions: JSON-LD {@code Subscription} documents at {@code
 * /.well-known/mercure/subscriptions/{topic}/{subscriber}}, events without an SSE type, and the
 * cursor as {@code lastEventID} in the API's body. Stateless; safe from any thread.
 */
final class Draft07Subscriptions implements SubscriptionFormat {

  private static final String CONTEXT = "https://mercure.rocks/";

  @Override
  public String id(ActiveSubscription subscription) {
    return ActiveSubscription.COLLECTION_PATH
        + "/"
        + ActiveSubscription.encode(subscription.topic())
        + "/"
        + ActiveSubscription.encode(subscription.subscriber());
  }

  @Override
  public Map<String, Object> document(ActiveSubscription subscription, boolean nested) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (!nested) {
      json.put("@context", CONTEXT);
    }
    json.put("id", id(subscription));
    json.put("type", "Subscription");
    json.put("topic", subscription.topic());
    json.put("subscriber", subscription.subscriber());
    json.put("active", subscription.active());
    if (subscription.payload() != null) {
      json.put("payload", subscription.payload());
    }
    return json;
  }

  @Override
  public String eventType() {
    return null;
  }

  @Override
  public Lookup lookup(String rawPath) {
    List<String> segments = SubscriptionPaths.segments(rawPath);
    if (segments.size() > 2) {
      throw new NoSuchElementException(
          "no such resource: "
              + rawPath
              + " (expected: "
              + ActiveSubscription.COLLECTION_PATH
              + "[/{topic}[/{subscriber}]])");
    }
    String path = segments.isEmpty() ? ActiveSubscription.COLLECTION_PATH : rawPath;
    String topic = segments.isEmpty() ? null : SubscriptionPaths.decode(segments.get(0));
    String subscriber = segments.size() < 2 ? null : SubscriptionPaths.decode(segments.get(1));
    return new Lookup(
        path,
        subscriber,
        s ->
            s.format() == this
                && (topic == null || topic.equals(s.topic()))
                && (subscriber == null || subscriber.equals(s.subscriber())));
  }

  @Override
  public Map<String, Object> answer(
      Lookup lookup, List<ActiveSubscription> matching, String lastEventId) {
    Map<String, Object> json;
    if (lookup.single()) {
      json = document(matching.get(0), false);
    } else {
      json = new LinkedHashMap<>();
      json.put("@context", CONTEXT);
      json.put("id", lookup.path());
      json.put("type", "Subscriptions");
      List<Object> documents = new ArrayList<>(matching.size());
      for (ActiveSubscription subscription : matching) {
        documents.add(document(subscription, true));
      }
      json.put("subscriptions", documents);
    }
    json.put("lastEventID", lastEventId);
    return json;
  }

  @Override
  public String countedTopic(String rawPath) {
    Lookup lookup = lookup(rawPath);
    if (lookup.single()) {
      throw new NoSuchElementException("a count is of a collection, not of " + rawPath);
    }
    List<String> segments = SubscriptionPaths.segments(rawPath);
    return segments.isEmpty() ? null : SubscriptionPaths.decode(segments.get(0));
  }

  @Override
  public String contentType() {
    return "application/ld+json";
  }

  @Override
  public String link(String lastEventId) {
    return "<" + ActiveSubscription.HUB_PATH + ">; rel=\"mercure\"";
  }
}
