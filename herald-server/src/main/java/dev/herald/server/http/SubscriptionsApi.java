package dev.herald.server.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.dispatch.SubscriptionCursor;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.dispatch.SubscriptionsPage;
import dev.herald.core.dispatch.SubscriptionsQuery;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The protocol's subscriptions API over pages of the hub's subscriptions, in the {@link
 * SubscriptionFormat} of the request's dialect: a draft-07 reader gets the JSON-LD documents of
 * draft-07 subscriptions, a draft-08 reader the JSON documents of draft-08 ones, so every id listed
 * is the topic of that subscription's events. Collections are paginated: the {@code limit} and
 * {@code cursor} query parameters choose a page and a {@code Link: <…>; rel="next"} header names
 * the next one. Maps the formats' failures to HTTP. Stateless; safe from any thread.
 */
final class SubscriptionsApi {

  static final String LIMIT = "limit";
  static final String CURSOR = "cursor";
  static final String COUNT = "count";

  private SubscriptionsApi() {}

  /**
   * Which page a collection request asks for.
   *
   * @param limitGiven whether the client chose the limit, so the next link carries it on
   */
  record Paging(SubscriptionCursor after, int limit, boolean limitGiven) {

    /** The query naming this page, or empty for the first page at the default limit. */
    String query() {
      StringBuilder query = new StringBuilder();
      if (limitGiven) {
        query.append(LIMIT).append('=').append(limit);
      }
      if (after != null) {
        query
            .append(query.length() == 0 ? "" : "&")
            .append(CURSOR)
            .append('=')
            .append(after.encode());
      }
      return query.toString();
    }
  }

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

  /**
   * The page the query asks for; other parameters (an {@code authorization} token) are ignored.
   *
   * @throws HttpError 400 for a limit out of range, a cursor this hub did not issue, or either
   *     given twice
   */
  static Paging paging(Map<String, List<String>> query) {
    String limitText = once(query, LIMIT);
    String cursorText = once(query, CURSOR);
    int limit = SubscriptionsQuery.DEFAULT_LIMIT;
    if (limitText != null) {
      limit = -1;
      // Digits only, so "+5" and " 5" are refused like any other malformed number.
      if (!limitText.isEmpty()
          && limitText.length() <= 7
          && limitText.chars().allMatch(c -> c >= '0' && c <= '9')) {
        limit = Integer.parseInt(limitText);
      }
      if (limit < 1 || limit > SubscriptionsQuery.MAX_LIMIT) {
        throw HttpError.badRequest(
            "limit: "
                + shorten(limitText)
                + " (expected: an integer from 1"
                + " to "
                + SubscriptionsQuery.MAX_LIMIT
                + ")");
      }
    }
    SubscriptionCursor after = null;
    if (cursorText != null) {
      try {
        after = SubscriptionCursor.decode(cursorText);
      } catch (IllegalArgumentException e) {
        throw HttpError.badRequest(e.getMessage());
      }
    }
    return new Paging(after, limit, limitText != null);
  }

  private static String once(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw HttpError.badRequest(
          name + ": given " + values.size() + " times (expected: at most" + " once)");
    }
    return values.get(0);
  }

  private static String shorten(String text) {
    return text.length() > 32 ? text.substring(0, 32) + "..." : text;
  }

  /**
   * The JSON body of the page, or throws a 404 for a single subscription that is not active. A
   * collection's {@code id} is the URL it was retrieved with: its path and its paging parameters.
   */
  static String render(
      SubscriptionFormat format,
      SubscriptionFormat.Lookup lookup,
      Paging paging,
      SubscriptionsPage page) {
    if (lookup.single() && page.subscriptions().isEmpty()) {
      throw new HttpError(HttpResponseStatus.NOT_FOUND, "no active subscription " + lookup.path());
    }
    SubscriptionFormat.Lookup retrieved = lookup;
    String query = paging.query();
    if (!lookup.single() && !query.isEmpty()) {
      retrieved =
          new SubscriptionFormat.Lookup(
              lookup.path() + "?" + query, lookup.subscriber(), lookup.selects());
    }
    return JSONObjectUtils.toJSONString(
        format.answer(retrieved, page.subscriptions(), page.lastEventId()));
  }

  /**
   * The selector text a collection path counts, null for the whole collection.
   *
   * @throws HttpError 404 for a path naming no collection, 400 for a badly encoded segment
   */
  static String countedTopic(SubscriptionFormat format, String rawPath) {
    try {
      return format.countedTopic(rawPath);
    } catch (NoSuchElementException e) {
      throw new HttpError(HttpResponseStatus.NOT_FOUND, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw HttpError.malformed(e.getMessage());
    }
  }

  /**
   * A collection's document with its {@code count} in place of the list: the shape a reader of that
   * protocol already knows, with the id it was asked by.
   */
  static String renderCount(
      SubscriptionFormat format, String rawPath, int count, String lastEventId) {
    SubscriptionFormat.Lookup lookup = format.lookup(rawPath);
    Map<String, Object> json =
        format.answer(
            new SubscriptionFormat.Lookup(rawPath + "?" + COUNT, null, lookup.selects()),
            List.of(),
            lastEventId);
    json.remove("subscriptions");
    json.put(COUNT, count);
    return JSONObjectUtils.toJSONString(json);
  }

  /** The {@code Link} value naming the next page, or null on the last page. */
  static String nextLink(SubscriptionFormat.Lookup lookup, Paging paging, SubscriptionsPage page) {
    if (lookup.single() || page.next() == null) {
      return null;
    }
    Paging next = new Paging(page.next(), paging.limit(), paging.limitGiven());
    // A raw path may hold characters a Link target cannot (a client sent them unencoded).
    String target =
        lookup
            .path()
            .replace("<", "%3C")
            .replace(">", "%3E")
            .replace("\"", "%22")
            .replace(" ", "%20");
    return "<" + target + "?" + next.query() + ">; rel=\"next\"";
  }
}
