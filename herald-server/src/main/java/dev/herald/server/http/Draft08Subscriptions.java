package dev.herald.server.http;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionPaths;
import dev.herald.core.topic.TopicSelector;
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
final class Draft08Subscriptions extends DraftSubscriptions {

  static final Draft08Subscriptions INSTANCE = new Draft08Subscriptions();

  /** The SSE event type draft-08 reserves for what the hub itself publishes. */
  static final String EVENT_TYPE = "mercure";

  /**
   * URL patterns read back from another node are rebuilt against this: only their text and kind are
   * shown, never matched.
   */
  private static final String SHOWN_ONLY_HUB_URL = "https://herald.invalid/.well-known/mercure";

  private Draft08Subscriptions() {}

  @Override
  public String name() {
    return "08";
  }

  @Override
  public TopicSelector selector(String raw, TopicSelector.Kind kind) {
    return kind == TopicSelector.Kind.URL_PATTERN
        ? TopicSelector.urlPattern(raw, SHOWN_ONLY_HUB_URL)
        : TopicSelector.exact(raw);
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
  String idPrefix(ActiveSubscription subscription) {
    return matchType(subscription.selector()) + "/";
  }

  @Override
  Map<String, Object> documentHead(ActiveSubscription subscription, boolean nested) {
    Map<String, Object> json = object();
    json.put("id", id(subscription));
    json.put("type", "subscription");
    json.put("match_type", matchType(subscription.selector()));
    json.put("match", subscription.topic());
    return json;
  }

  @Override
  Map<String, Object> collectionHead(String path) {
    Map<String, Object> json = object();
    json.put("id", path);
    json.put("type", "subscriptions");
    return json;
  }

  @Override
  int countedSegment() {
    return 1;
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
    return lookup.single() ? document(matching.get(0), false) : collection(lookup, matching);
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

  @Override
  public String toString() {
    return "draft-08 subscriptions";
  }
}
