package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How a stream entry's wall-clock stamp becomes a publish time on this JVM's nano clock, on fixed
 * clocks: no Redis and no timing. Runs on the JUnit thread.
 */
class StreamEntriesTest {

  @Test
  void anEntryStampedEarlierIsThatMuchOlderOnTheNanoClock() {
    assertThat(StreamEntries.publishedNanos(1_000, 1_007, 50_000_000L)).isEqualTo(43_000_000L);
  }

  @Test
  void anEntryStampedAfterNowByAnotherMachinesClockIsNotInTheFuture() {
    assertThat(StreamEntries.publishedNanos(1_010, 1_000, 50_000_000L)).isEqualTo(50_000_000L);
  }

  @Test
  void aReadingOfZeroIsMovedSoItDoesNotMeanUnknown() {
    assertThat(StreamEntries.publishedNanos(1_000, 1_001, 1_000_000L)).isEqualTo(1L);
  }
}
