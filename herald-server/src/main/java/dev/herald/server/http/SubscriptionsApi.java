package dev.herald.server.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.dispatch.SubscriptionsSnapshot;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The protocol's subscriptions API over a snapshot of the hub, in the {@link SubscriptionFormat}
 * of the request's dialect: a draft-07 reader gets the JSON-LD documents of draft-07
 * subscriptions, a draft-08 reader the JSON documents of draft-08 ones, so every id listed is the
 * topic of that subscription's events. Maps the formats' failures to HTTP. Stateless; safe from
 * any thread.
 */
final class SubscriptionsApi {

  private SubscriptionsApi() {}

  /**
   * What the raw (still percent-encoded) path asks for.
   *
   * @throws HttpError 404 for a path naming no resource, 400 for a badly encoded segment
   */
  static SubscriptionFormat.Lookup parse(SubscriptionFormat format, String rawPath) {
    try {
      return format.lookup(rawPath);
    } catch (NoSuchElementException e) {
      throw new HttpError(HttpResponseStatus.NOT_FOUND, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw HttpError.malformed(e.getMessage());
    }
  }

  /** The JSON body, or throws a 404 for a single subscription that is not active. */
  static String render(SubscriptionFormat format, SubscriptionFormat.Lookup lookup,
      SubscriptionsSnapshot snapshot) {
    List<ActiveSubscription> matching = new ArrayList<>();
    for (ActiveSubscription subscription : snapshot.subscriptions()) {
      if (lookup.selects().test(subscription)) {
        matching.add(subscription);
      }
    }
    if (lookup.single() && matching.isEmpty()) {
      throw new HttpError(HttpResponseStatus.NOT_FOUND, "no active subscription " + lookup.path());
    }
    return JSONObjectUtils.toJSONString(format.answer(lookup, matching, snapshot.lastEventId()));
  }
}
