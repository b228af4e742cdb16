package dev.herald.server.http;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionPaths;
import dev.herald.core.topic.TopicSelector;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Draft-07 active subscriptions: JSON-LD {@code Subscription} documents at {@code
 * /.well-known/mercure/subscriptions/{topic}/{subscriber}}, events without an SSE type, and the
 * cursor as {@code lastEventID} in the API's body. Stateless; safe from any thread.
 */
final class Draft07Subscriptions extends DraftSubscriptions {

  static final Draft07Subscriptions INSTANCE = new Draft07Subscriptions();

  private static final String CONTEXT = "https://mercure.rocks/";

  private Draft07Subscriptions() {}

  @Override
  public String name() {
    return "07";
  }

  /** Draft-07 selectors carry their kind in their text: {@code *}, a URI template or a topic. */
  @Override
  public TopicSelector selector(String raw, TopicSelector.Kind kind) {
    return TopicSelector.of(raw);
  }

  @Override
  String idPrefix(ActiveSubscription subscription) {
    return "";
  }

  @Override
  Map<String, Object> documentHead(ActiveSubscription subscription, boolean nested) {
    Map<String, Object> json = object();
    if (!nested) {
      json.put("@context", CONTEXT);
    }
    json.put("id", id(subscription));
    json.put("type", "Subscription");
    json.put("topic", subscription.topic());
    return json;
  }

  @Override
  Map<String, Object> collectionHead(String path) {
    Map<String, Object> json = object();
    json.put("@context", CONTEXT);
    json.put("id", path);
    json.put("type", "Subscriptions");
    return json;
  }

  @Override
  int countedSegment() {
    return 0;
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
    Map<String, Object> json =
        lookup.single() ? document(matching.get(0), false) : collection(lookup, matching);
    json.put("lastEventID", lastEventId);
    return json;
  }

  @Override
  public String contentType() {
    return "application/ld+json";
  }

  @Override
  public String link(String lastEventId) {
    return "<" + ActiveSubscription.HUB_PATH + ">; rel=\"mercure\"";
  }

  @Override
  public String toString() {
    return "draft-07 subscriptions";
  }
}
