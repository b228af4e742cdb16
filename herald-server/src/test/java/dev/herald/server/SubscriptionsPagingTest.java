package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.SubscriptionsQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The subscriptions API one page at a time, over real sockets, with hubs of one and three event
 * loops: following the {@code rel="next"} links lists every subscription exactly once, in the order
 * of subscriber ids, in both protocols' shapes; a page never holds more than its limit, nor more
 * than {@link SubscriptionsQuery#MAX_LIMIT}; a bad limit or cursor is a 400.
 */
class SubscriptionsPagingTest extends ServerTestBase {

  static final String COLLECTION = ActiveSubscription.COLLECTION_PATH;
  static final Pattern NEXT = Pattern.compile("<([^>]*)>; rel=\"next\"");
  static final Map<String, String> DRAFT07 =
      Map.of("Authorization", "Bearer " + Draft08SubscriptionsTest.DRAFT07_OBSERVER);
  static final Map<String, String> DRAFT08 =
      Map.of("Authorization", "Bearer " + Draft08SubscriptionsTest.DRAFT08_OBSERVER);

  private final List<SseClient> streams = new ArrayList<>();

  @Override
  ServerConfig.Builder config() {
    return new Draft08SubscriptionsTest().config();
  }

  @org.junit.jupiter.api.AfterEach
  void closeStreams() {
    streams.forEach(SseClient::close);
  }

  /** Each on its own connection, so a hub of several loops spreads them over its loops. */
  private void subscribe(String query, int expectedSubscribers) throws Exception {
    HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    streams.add(SseClient.open(own, URI.create(base + "/.well-known/mercure?" + query), Map.of()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.hub().subscriberCount() == expectedSubscribers);
  }

  /** The Link targets of the answer: rel="next", if any. */
  private static String nextOf(HttpResponse<String> response) {
    List<String> links = response.headers().allValues("link");
    assertThat(links.get(0)).as("the cursor's link stays the first").contains("rel=\"mercure\"");
    String next = null;
    for (String link : links) {
      Matcher matcher = NEXT.matcher(link);
      if (matcher.find()) {
        assertThat(next).as("one next link").isNull();
        next = matcher.group(1);
      }
    }
    return next;
  }

  /** Follows the next links from {@code first}; the subscription documents of every page. */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> walk(
      String first, Map<String, String> auth, int limit, boolean fullPages) throws Exception {
    List<Map<String, Object>> listed = new ArrayList<>();
    String url = first;
    for (int pages = 0; url != null; pages++) {
      assertThat(pages).as("the walk ends").isLessThan(1_000);
      HttpResponse<String> response = get(url, auth);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      Map<String, Object> collection = JSONObjectUtils.parse(response.body());
      assertThat(collection.get("id")).as("the URL the page was retrieved with").isEqualTo(url);
      List<Object> page = JSONObjectUtils.getJSONArray(collection, "subscriptions");
      assertThat(page).hasSizeLessThanOrEqualTo(limit);
      url = nextOf(response);
      if (url != null && fullPages) {
        assertThat(page).as("only the last page is short").hasSize(limit);
      }
      page.forEach(document -> listed.add((Map<String, Object>) document));
    }
    return listed;
  }

  /**
   * Every expected subscription listed once, subscribers in id order, each one's subscriptions in
   * the order it gave them ({@code key} reads the topic, {@code c<connection>-<index>}).
   */
  private static void assertEachOnceInOrder(
      List<Map<String, Object>> listed, String key, Set<String> expected) {
    assertThat(listed)
        .extracting(d -> (String) d.get(key))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected);
    for (int i = 1; i < listed.size(); i++) {
      String before = (String) listed.get(i - 1).get("subscriber");
      String after = (String) listed.get(i).get("subscriber");
      assertThat(before.compareTo(after)).as("subscriber order at %d", i).isLessThanOrEqualTo(0);
      if (before.equals(after)) {
        assertThat(index((String) listed.get(i - 1).get(key)))
            .isLessThan(index((String) listed.get(i).get(key)));
      }
    }
  }

  private static int index(String topic) {
    return Integer.parseInt(topic.substring(topic.lastIndexOf('-') + 1));
  }

  @ParameterizedTest(name = "{0} event loops")
  @ValueSource(ints = {1, 3})
  void followingTheNextLinksListsEverySubscriptionOnceInOrder(int loops) throws Exception {
    restart(config().eventLoops(loops).build());
    Set<String> draft07 = new HashSet<>();
    Set<String> draft08 = new HashSet<>();
    int subscribers = 0;
    for (int c = 0; c < 6; c++) {
      StringBuilder query = new StringBuilder();
      for (int t = 0; t <= c % 3; t++) {
        String topic = "https://example.com/c" + c + "-" + t;
        boolean modern = c % 2 == 1;
        (modern ? draft08 : draft07).add(topic);
        query
            .append(query.length() == 0 ? "" : "&")
            .append(modern ? "match=" : "topic=")
            .append(enc(topic));
      }
      subscribe(query.toString(), ++subscribers);
    }
    assertThat(server.hub().deliveryLoops()).as("subscribers on every loop").isEqualTo(loops);

    assertEachOnceInOrder(walk(COLLECTION + "?limit=2", DRAFT07, 2, false), "topic", draft07);
    assertEachOnceInOrder(walk(COLLECTION + "?limit=1", DRAFT08, 1, false), "match", draft08);

    // The same walk for a hub with only draft-07 subscribers fills every page but the last.
    List<Map<String, Object>> all = walk(COLLECTION + "?limit=3", DRAFT07, 3, false);
    assertThat(all).hasSize(draft07.size());

    // A per-match listing pages too, and a single subscription is still found by its path.
    String match = "https://example.com/c5-1";
    String perMatch = COLLECTION + "/exact/" + ActiveSubscription.encode(match);
    List<Map<String, Object>> matched = walk(perMatch + "?limit=1", DRAFT08, 1, false);
    assertThat(matched).singleElement().satisfies(d -> assertThat(d.get("match")).isEqualTo(match));
    HttpResponse<String> single = get((String) matched.get(0).get("id"), DRAFT08);
    assertThat(single.statusCode()).isEqualTo(200);
    assertThat(JSONObjectUtils.parse(single.body())).isEqualTo(matched.get(0));
    assertThat(nextOf(single)).as("one subscription has no next page").isNull();
  }

  @ParameterizedTest(name = "{0} event loops")
  @ValueSource(ints = {1, 3})
  void aCollectionOfOneProtocolFillsEveryPageButTheLast(int loops) throws Exception {
    restart(config().eventLoops(loops).build());
    Set<String> topics = new HashSet<>();
    for (int c = 0; c < 5; c++) {
      StringBuilder query = new StringBuilder();
      for (int t = 0; t < 3; t++) {
        String topic = "https://example.com/c" + c + "-" + t;
        topics.add(topic);
        query.append(query.length() == 0 ? "" : "&").append("topic=").append(enc(topic));
      }
      subscribe(query.toString(), c + 1);
    }
    assertEachOnceInOrder(walk(COLLECTION + "?limit=4", DRAFT07, 4, true), "topic", topics);
  }

  @Test
  void aPageNeverHoldsMoreThanTheCap() throws Exception {
    int perConnection = 600; // 1,200 subscriptions: more than one page at the default limit
    for (int c = 0; c < 2; c++) {
      StringBuilder query = new StringBuilder();
      for (int t = 0; t < perConnection; t++) {
        query
            .append(query.length() == 0 ? "" : "&")
            .append("topic=c")
            .append(c)
            .append('-')
            .append(t);
      }
      subscribe(query.toString(), c + 1);
    }
    HttpResponse<String> first = get(COLLECTION, DRAFT07);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(first.body()), "subscriptions"))
        .hasSize(SubscriptionsQuery.MAX_LIMIT);
    String next = nextOf(first);
    assertThat(next).startsWith(COLLECTION + "?cursor=");
    assertThat(
            JSONObjectUtils.getJSONArray(
                JSONObjectUtils.parse(get(next, DRAFT07).body()), "subscriptions"))
        .hasSize(2 * perConnection - SubscriptionsQuery.MAX_LIMIT);

    HttpResponse<String> tooMany =
        get(COLLECTION + "?limit=" + (SubscriptionsQuery.MAX_LIMIT + 1), DRAFT07);
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.body()).contains("limit: 1001 (expected: an integer from 1 to 1000)");
  }

  @Test
  void aBadLimitOrCursorIsA400WithItsReason() throws Exception {
    subscribe("topic=a&topic=b", 1);
    String cursor = nextOf(get(COLLECTION + "?limit=1", DRAFT07));
    assertThat(get(cursor, DRAFT07).statusCode()).as("a good cursor").isEqualTo(200);
    for (String query :
        List.of(
            "limit=0",
            "limit=-1",
            "limit=abc",
            "limit=",
            "limit=%2B5",
            "limit=99999999999",
            "limit=1&limit=2")) {
      HttpResponse<String> response = get(COLLECTION + "?" + query, DRAFT07);
      assertThat(response.statusCode()).as(query).isEqualTo(400);
      assertThat(response.body().strip()).as(query).startsWith("limit: ").doesNotContain("\n");
    }
    String valid = cursor.substring(cursor.indexOf("cursor=") + "cursor=".length());
    for (String bad : List.of("", "x", "not-a-cursor", valid + ".", valid + "&cursor=" + valid)) {
      HttpResponse<String> response = get(COLLECTION + "?cursor=" + bad, DRAFT08);
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(response.body().strip()).as(bad).startsWith("cursor: ").doesNotContain("\n");
    }
  }
}
