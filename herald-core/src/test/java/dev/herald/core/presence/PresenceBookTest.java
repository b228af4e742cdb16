package dev.herald.core.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.PlainSubscriptions;
import dev.herald.core.dispatch.SubscriptionCursor;
import dev.herald.core.dispatch.SubscriptionsPage;
import dev.herald.core.dispatch.SubscriptionsQuery;
import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster replica's pages and counts, and the occupancy transitions, in memory. */
class PresenceBookTest {

  private static PresenceEntry entry(String subscriber, long serial, int index, String topic) {
    return new PresenceEntry(
        new SubscriptionCursor(subscriber, serial, index),
        new ActiveSubscription(
            TopicSelector.of(topic), subscriber, null, true, PlainSubscriptions.FORMAT));
  }

  @Test
  void pagesWalkEverySubscriptionOnceInCursorOrder() {
    PresenceBook book = new PresenceBook();
    for (int i = 0; i < 25; i++) {
      book.put(entry("urn:uuid:" + (100 + i), i, 0, "https://example.com/a"));
      book.put(entry("urn:uuid:" + (100 + i), i, 1, "https://example.com/b"));
    }
    List<String> walked = new ArrayList<>();
    SubscriptionCursor after = null;
    for (int pages = 0; pages < 100; pages++) {
      SubscriptionsPage page = book.page(SubscriptionsQuery.all(after, 7), "earliest");
      page.subscriptions().forEach(s -> walked.add(s.subscriber() + " " + s.topic()));
      after = page.next();
      if (after == null) {
        break;
      }
    }
    assertThat(walked).hasSize(50).doesNotHaveDuplicates();
    assertThat(walked.get(0)).isEqualTo("urn:uuid:100 https://example.com/a");
    assertThat(walked.get(1)).isEqualTo("urn:uuid:100 https://example.com/b");
  }

  @Test
  void aFilterThatFewMatchEndsAPageEarlyWithinItsScanBudget() {
    PresenceBook book = new PresenceBook();
    for (int i = 0; i < 30; i++) {
      book.put(entry("urn:uuid:" + (100 + i), i, 0, i == 29 ? "urn:rare" : "urn:common"));
    }
    SubscriptionsQuery rare =
        new SubscriptionsQuery(s -> s.topic().equals("urn:rare"), null, null, 10);
    SubscriptionsPage first = book.page(rare, "earliest", 10);
    assertThat(first.subscriptions()).isEmpty();
    assertThat(first.next()).isNotNull(); // looked at 10, more remain
    SubscriptionsPage last =
        book.page(new SubscriptionsQuery(rare.selects(), null, first.next(), 10), "x", 100);
    assertThat(last.subscriptions())
        .extracting(ActiveSubscription::topic)
        .containsExactly("urn:rare");
    assertThat(last.next()).isNull();
  }

  @Test
  void oneSubscriberIsASeekAndCountsFollowPutsAndRemoves() {
    PresenceBook book = new PresenceBook();
    book.put(entry("urn:uuid:1", 1, 0, "urn:t"));
    book.put(entry("urn:uuid:2", 2, 0, "urn:t"));
    assertThat(book.put(entry("urn:uuid:2", 2, 0, "urn:t"))).isFalse(); // read twice: once
    SubscriptionsPage one =
        book.page(new SubscriptionsQuery(s -> true, "urn:uuid:2", null, 1), "earliest");
    assertThat(one.subscriptions())
        .extracting(ActiveSubscription::subscriber)
        .containsExactly("urn:uuid:2");
    assertThat(book.count("urn:t")).isEqualTo(2);
    assertThat(book.remove(new SubscriptionCursor("urn:uuid:1", 1, 0))).isNotNull();
    assertThat(book.remove(new SubscriptionCursor("urn:uuid:1", 1, 0))).isNull();
    assertThat(book.count("urn:t")).isEqualTo(1);
    assertThat(book.size()).isEqualTo(1);
  }

  @Test
  void occupancyReportsFirstInAndLastOutOnlyWhenToldTo() {
    List<String> told = new ArrayList<>();
    Occupancy occupancy = new Occupancy();
    occupancy.tell(
        new PresenceEvents() {
          @Override
          public void subscriptionChanged(ActiveSubscription subscription) {}

          @Override
          public void topicOccupied(String topic) {
            told.add("occupied " + topic);
          }

          @Override
          public void topicVacated(String topic) {
            told.add("vacated " + topic);
          }
        });
    occupancy.change("urn:t", 1, false); // another node's first subscriber: it reports
    occupancy.change("urn:t", 1, true); // a second one here: no transition
    occupancy.change("urn:t", -1, true);
    occupancy.change("urn:t", -1, true); // the last one, here: vacated, reported here
    occupancy.change("urn:t", 1, true);
    assertThat(told).containsExactly("vacated urn:t", "occupied urn:t");
    assertThat(occupancy.count("urn:t")).isEqualTo(1);
    assertThat(occupancy.total()).isEqualTo(1);
  }
}
