package dev.herald.server.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionsSnapshot;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The protocol's subscriptions API: {@code /.well-known/mercure/subscriptions[/{topic}[/{subscriber}]]}
 * rendered as JSON-LD from a snapshot of the hub. Stateless; safe from any thread.
 */
final class SubscriptionsApi {

  /** What a request path asks for: all, one selector's, or one subscription. */
  record Query(String path, String topic, String subscriber) {}

  private SubscriptionsApi() {}

  /**
   * Splits the raw path before decoding, since an encoded {@code /} inside a selector must not
   * split it.
   */
  static Query parse(String rawPath) {
    String rest = rawPath.substring(ActiveSubscription.COLLECTION_PATH.length());
    if (rest.isEmpty() || rest.equals("/")) {
      return new Query(ActiveSubscription.COLLECTION_PATH, null, null);
    }
    String[] segments = rest.substring(1).split("/", -1);
    if (segments.length > 2 || segments[0].isEmpty()
        || (segments.length == 2 && segments[1].isEmpty())) {
      throw new HttpError(HttpResponseStatus.NOT_FOUND, "no such resource: " + rawPath
          + " (expected: " + ActiveSubscription.COLLECTION_PATH + "[/{topic}[/{subscriber}]])");
    }
    String topic = decode(segments[0]);
    String subscriber = segments.length == 2 ? decode(segments[1]) : null;
    return new Query(rawPath, topic, subscriber);
  }

  private static String decode(String segment) {
    try {
      return QueryStringDecoder.decodeComponent(segment);
    } catch (IllegalArgumentException e) { // Netty's word for bad percent-encoding
      throw HttpError.malformed(e.getMessage());
    }
  }

  /** The JSON-LD body, or throws a 404 for a single subscription that is not active. */
  static String render(Query query, SubscriptionsSnapshot snapshot) {
    List<ActiveSubscription> matching = new ArrayList<>();
    for (ActiveSubscription subscription : snapshot.subscriptions()) {
      if ((query.topic() == null || query.topic().equals(subscription.topic()))
          && (query.subscriber() == null || query.subscriber().equals(subscription.subscriber()))) {
        matching.add(subscription);
      }
    }
    Map<String, Object> json;
    if (query.subscriber() != null) {
      if (matching.isEmpty()) {
        throw new HttpError(HttpResponseStatus.NOT_FOUND,
            "no active subscription " + query.path());
      }
      json = matching.get(0).document(true);
    } else {
      json = new LinkedHashMap<>();
      json.put("@context", "https://mercure.rocks/");
      json.put("id", query.path());
      json.put("type", "Subscriptions");
      List<Object> documents = new ArrayList<>(matching.size());
      for (ActiveSubscription subscription : matching) {
        documents.add(subscription.document(false));
      }
      json.put("subscriptions", documents);
    }
    json.put("lastEventID", snapshot.lastEventId());
    return JSONObjectUtils.toJSONString(json);
  }
}
