package dev.herald.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Event;
import dev.herald.core.Update;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryHistoryTest {

  private static Event event(long sequence) {
    return new Event(
        sequence, Update.of("t", "d" + sequence).withId("id-" + sequence), new byte[0]);
  }

  private static List<Long> sequences(List<Event> events) {
    return events.stream().map(Event::sequence).toList();
  }

  @Test
  void readsARangeOldestFirst() {
    MemoryHistory history = new MemoryHistory(10);
    for (long i = 1; i <= 5; i++) {
      history.append(List.of(event(i)));
    }
    assertThat(sequences(history.read(1, 4, 100))).containsExactly(2L, 3L, 4L);
    assertThat(sequences(history.read(0, 5, 2))).containsExactly(1L, 2L);
    assertThat(history.sequenceOf("id-3")).isEqualTo(3);
    assertThat(history.lastId()).isEqualTo("id-5");
  }

  @Test
  void keepsOnlyTheNewestCapacityEvents() {
    MemoryHistory history = new MemoryHistory(3);
    for (long i = 1; i <= 7; i++) {
      history.append(List.of(event(i)));
    }
    assertThat(sequences(history.read(0, 7, 100))).containsExactly(5L, 6L, 7L);
    assertThat(history.sequenceOf("id-4")).isEqualTo(-1);
    assertThat(history.sequenceOf("id-5")).isEqualTo(5);
    assertThat(history.lastSequence()).isEqualTo(7);
  }

  @Test
  void retainedCountsUpToTheCapacity() {
    MemoryHistory history = new MemoryHistory(3);
    assertThat(history.retained()).isZero();
    history.append(List.of(event(1), event(2)));
    assertThat(history.retained()).isEqualTo(2);
    history.append(List.of(event(3), event(4), event(5)));
    assertThat(history.retained()).isEqualTo(3);
  }

  @Test
  void zeroCapacityKeepsNothingButCountsSequences() {
    MemoryHistory history = new MemoryHistory(0);
    history.append(List.of(event(1)));
    history.append(List.of(event(2)));
    assertThat(history.read(0, 2, 10)).isEmpty();
    assertThat(history.lastSequence()).isEqualTo(2);
    assertThat(history.lastId()).isNull();
  }

  @Test
  void aRepeatedIdPointsToItsNewestEvent() {
    MemoryHistory history = new MemoryHistory(2);
    history.append(List.of(new Event(1, Update.of("t", "").withId("same"), new byte[0])));
    history.append(List.of(new Event(2, Update.of("t", "").withId("same"), new byte[0])));
    history.append(List.of(event(3))); // evicts sequence 1, which must not drop the mapping of 2
    assertThat(history.sequenceOf("same")).isEqualTo(2);
  }
}
