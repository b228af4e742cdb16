package dev.herald.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Pages of a lane's subscriptions (a seek in the index's id order, a bounded look) and their merge
 * across lanes: walking the pages lists every subscription once, in order, whatever the limit, the
 * scan budget and the spread over lanes.
 */
class SubscriptionPagerTest {

  private static Subscriber subscriber(String id, String... topics) {
    List<TopicSelector> selectors = new ArrayList<>();
    for (String topic : topics) {
      selectors.add(TopicSelector.of(topic));
    }
    return new Subscriber(id, selectors, List.of(), null, PlainSubscriptions.FORMAT, 64, () -> {});
  }

  /** "id topic" for each subscription, the way a test can compare them. */
  private static List<String> keys(List<ActiveSubscription> subscriptions) {
    return subscriptions.stream().map(s -> s.subscriber() + " " + s.topic()).toList();
  }

  /** Walks every page as the hub does, each lane answering its part, and gathers the listing. */
  private static List<String> walk(
      List<SubscriberIndex> lanes,
      Predicate<ActiveSubscription> selects,
      int limit,
      int scanBudget) {
    List<String> listed = new ArrayList<>();
    SubscriptionCursor after = null;
    for (int pages = 0; pages < 10_000; pages++) {
      SubscriptionsQuery query = new SubscriptionsQuery(selects, null, after, limit);
      List<SubscriptionPager.LanePart> parts = new ArrayList<>();
      for (SubscriberIndex lane : lanes) {
        SubscriptionPager.LanePart part =
            SubscriptionPager.page(lane.bySubscriber(), query, scanBudget);
        assertThat(part.entries()).hasSizeLessThanOrEqualTo(limit);
        assertThat(part.examined()).isLessThanOrEqualTo(scanBudget);
        parts.add(part);
      }
      SubscriptionsPage page = SubscriptionPager.merge(parts, limit, "at");
      assertThat(page.subscriptions()).hasSizeLessThanOrEqualTo(limit);
      listed.addAll(keys(page.subscriptions()));
      if (page.next() == null) {
        return listed;
      }
      // The cursor a client gets back goes through its text form.
      after = SubscriptionCursor.decode(page.next().encode());
    }
    throw new AssertionError("the walk never ended");
  }

  /** 40 subscribers of 1 to 3 topics, registered in a random order, spread over {@code lanes}. */
  private static List<String> populate(List<SubscriberIndex> lanes, long seed) {
    List<Subscriber> subscribers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String id = String.format("urn:s%02d", i);
      String[] topics = new String[1 + i % 3];
      for (int t = 0; t < topics.length; t++) {
        topics[t] = "https://example.com/" + (t == 0 && i % 4 == 0 ? "hot" : "t" + i + "-" + t);
      }
      subscribers.add(subscriber(id, topics));
    }
    List<String> expected = new ArrayList<>();
    for (Subscriber s : subscribers) {
      for (TopicSelector selector : s.topics()) {
        expected.add(s.id() + " " + selector.raw());
      }
    }
    Collections.shuffle(subscribers, new Random(seed));
    for (int i = 0; i < subscribers.size(); i++) {
      lanes.get(i % lanes.size()).add(subscribers.get(i));
    }
    return expected; // ids in order, each subscriber's selectors in its own order
  }

  private static List<SubscriberIndex> lanes(int count) {
    List<SubscriberIndex> lanes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lanes.add(new SubscriberIndex());
    }
    return lanes;
  }

  @Test
  void walkingThePagesListsEverySubscriptionOnceInOrder() {
    for (int laneCount : new int[] {1, 3}) {
      for (int limit : new int[] {1, 3, 7, 80, 1_000}) {
        List<SubscriberIndex> lanes = lanes(laneCount);
        List<String> expected = populate(lanes, limit * 31L + laneCount);
        assertThat(walk(lanes, s -> true, limit, SubscriptionPager.SCAN_BUDGET))
            .as("%d lanes, limit %d", laneCount, limit)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aFilterFewMatchEndsPagesEarlyButTheWalkStillFindsEveryMatch() {
    List<SubscriberIndex> lanes = lanes(3);
    List<String> expected = populate(lanes, 7).stream().filter(k -> k.endsWith("/hot")).toList();
    assertThat(expected).hasSize(10);
    // A budget of 4 subscriptions per lane and page: most pages hold fewer than the limit.
    assertThat(walk(lanes, s -> s.topic().endsWith("/hot"), 5, 4)).isEqualTo(expected);
  }

  @Test
  void aLanePartHoldsAtMostTheLimitFromTheCursorOnAndSaysHowFarItLooked() {
    SubscriberIndex index = new SubscriberIndex();
    index.add(subscriber("c", "t1", "t2"));
    index.add(subscriber("a", "t1"));
    index.add(subscriber("b", "t1", "t2", "t3"));
    SubscriptionsQuery firstThree = SubscriptionsQuery.all(null, 3);

    SubscriptionPager.LanePart part = SubscriptionPager.page(index.bySubscriber(), firstThree);

    assertThat(part.entries())
        .extracting(e -> e.subscription().subscriber() + " " + e.subscription().topic())
        .containsExactly("a t1", "b t1", "b t2");
    assertThat(part.through()).isEqualTo(part.entries().get(2).position());
    assertThat(part.examined()).isEqualTo(3);

    SubscriptionPager.LanePart rest =
        SubscriptionPager.page(index.bySubscriber(), SubscriptionsQuery.all(part.through(), 3));
    assertThat(rest.entries())
        .extracting(e -> e.subscription().subscriber() + " " + e.subscription().topic())
        .containsExactly("b t3", "c t1", "c t2");
    assertThat(rest.through()).as("the limit was reached on the last one").isNotNull();
    assertThat(
            SubscriptionPager.page(index.bySubscriber(), SubscriptionsQuery.all(rest.through(), 3))
                .through())
        .as("nothing left")
        .isNull();
  }

  @Test
  void aPageGoesOnAfterTheCursorsSubscriberLeft() {
    SubscriberIndex index = new SubscriberIndex();
    Subscriber b = subscriber("b", "t1", "t2");
    index.add(subscriber("a", "t1"));
    index.add(b);
    index.add(subscriber("c", "t1"));
    SubscriptionPager.LanePart first =
        SubscriptionPager.page(index.bySubscriber(), SubscriptionsQuery.all(null, 2));
    assertThat(first.through().subscriber()).isEqualTo("b");

    index.remove(b);

    SubscriptionPager.LanePart next =
        SubscriptionPager.page(index.bySubscriber(), SubscriptionsQuery.all(first.through(), 2));
    assertThat(next.entries()).extracting(e -> e.subscription().subscriber()).containsExactly("c");
  }

  @Test
  void subscribersSharingAnIdAreEachListed() {
    SubscriberIndex index = new SubscriberIndex();
    index.add(subscriber("same", "t1"));
    index.add(subscriber("same", "t2"));
    index.add(subscriber("other", "t3"));
    assertThat(walk(List.of(index), s -> true, 1, SubscriptionPager.SCAN_BUDGET))
        .containsExactly("other t3", "same t1", "same t2");
  }

  @Test
  void oneSubscribersLookupSeeksToItsSubscriptions() {
    SubscriberIndex index = new SubscriberIndex();
    for (int i = 0; i < 100; i++) {
      index.add(subscriber(String.format("s%03d", i), "t"));
    }
    SubscriptionPager.LanePart part =
        SubscriptionPager.page(
            index.bySubscriber(), new SubscriptionsQuery(s -> true, "s042", null, 1));
    assertThat(part.entries())
        .extracting(e -> e.subscription().subscriber())
        .containsExactly("s042");
    assertThat(part.examined()).as("a seek, not a scan").isEqualTo(1);
  }

  @Test
  void theMergeKeepsTheLimitFirstAcrossLanesAndNeverPassesALaneThatStoppedEarly() {
    SubscriberIndex left = new SubscriberIndex();
    SubscriberIndex right = new SubscriberIndex();
    for (String id : List.of("a", "c", "e", "g")) {
      left.add(subscriber(id, "t"));
    }
    for (String id : List.of("b", "d", "f", "h")) {
      right.add(subscriber(id, "t"));
    }
    SubscriptionsQuery query = SubscriptionsQuery.all(null, 3);
    SubscriptionsPage page =
        SubscriptionPager.merge(
            List.of(
                SubscriptionPager.page(left.bySubscriber(), query),
                SubscriptionPager.page(right.bySubscriber(), query)),
            3,
            "at");
    assertThat(keys(page.subscriptions())).containsExactly("a t", "b t", "c t");
    assertThat(page.next().subscriber()).as("the last one listed").isEqualTo("c");
    assertThat(page.lastEventId()).isEqualTo("at");

    // The right lane may look at one subscription only: nothing after "b" is known to be complete.
    SubscriptionsPage bounded =
        SubscriptionPager.merge(
            List.of(
                SubscriptionPager.page(left.bySubscriber(), query, 10),
                SubscriptionPager.page(right.bySubscriber(), query, 1)),
            3,
            "at");
    assertThat(keys(bounded.subscriptions())).containsExactly("a t", "b t");
    assertThat(bounded.next().subscriber()).isEqualTo("b");
  }

  @Test
  void cursorsSurviveTheirTextFormAndAnythingElseIsRefused() {
    SubscriptionCursor cursor = new SubscriptionCursor("urn:uuid:a:b", 42, 3);
    assertThat(SubscriptionCursor.decode(cursor.encode())).isEqualTo(cursor);
    assertThat(cursor.encode()).matches("[A-Za-z0-9_-]+");
    for (String bad :
        List.of(
            "",
            "!!!",
            "bm90IGEgY3Vyc29y",
            cursor.encode() + "*",
            new SubscriptionCursor("x", 1, 1).encode().substring(1))) {
      assertThatThrownBy(() -> SubscriptionCursor.decode(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("cursor: ");
    }
  }

  @Test
  void aLimitOutOfRangeIsRefused() {
    assertThatThrownBy(() -> SubscriptionsQuery.all(null, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubscriptionsQuery.all(null, SubscriptionsQuery.MAX_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
