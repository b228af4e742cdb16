package dev.herald.core.dispatch;

import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Draft-08 active subscriptions: JSON {@code subscription} documents at {@code
 * /.well-known/mercure/subscriptions/{match_type}/{match}/{subscriber}}, events of the reserved SSE
 * type {@code mercure}, and the API's cursor as the {@code last-event-id} attribute of its {@code
 * rel="mercure"} Link header, so a single subscription's body is exactly its event's document.
 * Stateless; safe from any thread.
 */
final class Draft08Subscriptions implements SubscriptionFormat {

  /** The SSE event type draft-08 reserves for what the hub itself publishes. */
  static final String EVENT_TYPE = "mercure";

  @Override
  public String id(ActiveSubscription subscription) {
    return ActiveSubscription.COLLECTION_PATH
        + "/"
        + matchType(subscription.selector())
        + "/"
        + ActiveSubscription.encode(subscription.topic())
        + "/"
        + ActiveSubscription.encode(subscription.subscriber());
  }

  /**
   * The canonical matcher type name. {@code *} is the one selector whose type the hub does not keep
   * (it matches everything under every type), so it shows as {@code exact}, the type of a bare
   * {@code match}; draft-08 subscribers never carry URI templates.
   */
  static String matchType(TopicSelector selector) {
    return selector.kind() == TopicSelector.Kind.URL_PATTERN ? "urlpattern" : "exact";
  }

  @Override
  public Map<String, Object> document(ActiveSubscription subscription, boolean nested) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id(subscription));
    json.put("type", "subscription");
    json.put("match_type", matchType(subscription.selector()));
    json.put("match", subscription.topic());
    json.put("subscriber", subscription.subscriber());
    json.put("active", subscription.active());
    if (subscription.payload() != null) {
      json.put("payload", subscription.payload());
    }
    return json;
  }

  @Override
  public String eventType() {
    return EVENT_TYPE;
  }

  @Override
  public Lookup lookup(String rawPath) {
    List<String> segments = SubscriptionPaths.segments(rawPath);
    if (segments.size() == 1 || segments.size() > 3) {
      throw new NoSuchElementException(
          "no such resource: "
              + rawPath
              + " (expected: "
              + ActiveSubscription.COLLECTION_PATH
              + "[/{match_type}/{match}[/{subscriber}]])");
    }
    if (segments.isEmpty()) {
      return new Lookup(ActiveSubscription.COLLECTION_PATH, null, s -> s.format() == this);
    }
    String matchType = segments.get(0);
    if (!TopicSelector.MATCHER_TYPES.contains(matchType)) {
      throw new NoSuchElementException(
          "no such resource: "
              + rawPath
              + " (expected: a matcher"
              + " type of "
              + TopicSelector.MATCHER_TYPES
              + " after "
              + ActiveSubscription.COLLECTION_PATH
              + "/)");
    }
    String match = SubscriptionPaths.decode(segments.get(1));
    String subscriber = segments.size() < 3 ? null : SubscriptionPaths.decode(segments.get(2));
    return new Lookup(
        rawPath,
        subscriber,
        s ->
            s.format() == this
                && matchType.equals(matchType(s.selector()))
                && match.equals(s.topic())
                && (subscriber == null || subscriber.equals(s.subscriber())));
  }

  @Override
  public Map<String, Object> answer(
      Lookup lookup, List<ActiveSubscription> matching, String lastEventId) {
    if (lookup.single()) {
      return document(matching.get(0), false);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", lookup.path());
    json.put("type", "subscriptions");
    List<Object> documents = new ArrayList<>(matching.size());
    for (ActiveSubscription subscription : matching) {
      documents.add(document(subscription, true));
    }
    json.put("subscriptions", documents);
    return json;
  }

  @Override
  public String countedTopic(String rawPath) {
    Lookup lookup = lookup(rawPath);
    if (lookup.single()) {
      throw new NoSuchElementException("a count is of a collection, not of " + rawPath);
    }
    List<String> segments = SubscriptionPaths.segments(rawPath);
    return segments.isEmpty() ? null : SubscriptionPaths.decode(segments.get(1));
  }

  @Override
  public String contentType() {
    return "application/json";
  }

  @Override
  public String link(String lastEventId) {
    return "<"
        + ActiveSubscription.HUB_PATH
        + ">; rel=\"mercure\"; last-event-id=\""
        + lastEventId.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"; type=\"mercure\"; content-type=\"application/json\"";
  }
}
