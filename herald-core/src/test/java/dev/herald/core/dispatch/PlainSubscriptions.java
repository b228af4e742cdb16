package dev.herald.core.dispatch;

import dev.herald.core.topic.TopicSelector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A protocol-neutral {@link SubscriptionFormat} for core's tests, which speak no draft: ids {@code
 * /subscriptions/{topic}/{subscriber}}, flat documents, no event type, no API paths. The drafts'
 * formats live with their dialects in herald-server. Stateless; safe from any thread.
 */
public final class PlainSubscriptions implements SubscriptionFormat {

  public static final PlainSubscriptions FORMAT = new PlainSubscriptions();

  private PlainSubscriptions() {}

  @Override
  public String name() {
    return "plain";
  }

  @Override
  public TopicSelector selector(String raw, TopicSelector.Kind kind) {
    return TopicSelector.of(raw);
  }

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
    json.put("id", id(subscription));
    json.put("topic", subscription.topic());
    json.put("subscriber", subscription.subscriber());
    json.put("active", subscription.active());
    return json;
  }

  @Override
  public String eventType() {
    return null;
  }

  @Override
  public Lookup lookup(String rawPath) {
    throw new NoSuchElementException("core's tests serve no subscriptions API: " + rawPath);
  }

  @Override
  public Map<String, Object> answer(
      Lookup lookup, List<ActiveSubscription> matching, String lastEventId) {
    throw new UnsupportedOperationException("core's tests serve no subscriptions API");
  }

  @Override
  public String countedTopic(String rawPath) {
    throw new NoSuchElementException("core's tests serve no subscriptions API: " + rawPath);
  }

  @Override
  public String contentType() {
    return "application/json";
  }

  @Override
  public String link(String lastEventId) {
    return "<" + ActiveSubscription.HUB_PATH + ">; rel=\"mercure\"";
  }
}
