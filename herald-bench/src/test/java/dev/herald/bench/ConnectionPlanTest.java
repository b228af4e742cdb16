package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionPlanTest {

  @Test
  void defaultIsOneConnectionPerHundredSubscribersAndAtLeastOne() {
    assertThat(ConnectionPlan.defaultConnections(10_000)).isEqualTo(100);
    assertThat(ConnectionPlan.defaultConnections(1_000)).isEqualTo(10);
    assertThat(ConnectionPlan.defaultConnections(150)).isEqualTo(1);
    assertThat(ConnectionPlan.defaultConnections(0)).isEqualTo(1);
  }

  @Test
  void keepsTheRequestedConnectionsWhenTheServerLimitAllows() {
    assertThat(ConnectionPlan.of(10_000, 100, 250L)).isEqualTo(new ConnectionPlan(100, 100));
    assertThat(ConnectionPlan.of(1_000, 10, 250L)).isEqualTo(new ConnectionPlan(10, 100));
  }

  @Test
  void opensMoreConnectionsThanRequestedWhenTheServerLimitWouldBeExceeded() {
    assertThat(ConnectionPlan.of(1_000, 1, 250L)).isEqualTo(new ConnectionPlan(4, 250));
    assertThat(ConnectionPlan.of(1_001, 4, 250L)).isEqualTo(new ConnectionPlan(5, 201));
    assertThat(ConnectionPlan.of(12, 2, 4L)).isEqualTo(new ConnectionPlan(3, 4));
  }

  @Test
  void aServerWithoutLimitKeepsTheRequest() {
    assertThat(ConnectionPlan.of(100_000, 3, null)).isEqualTo(new ConnectionPlan(3, 33_334));
  }

  @Test
  void neverPlansAnEmptyConnection() {
    assertThat(ConnectionPlan.of(3, 10, 250L)).isEqualTo(new ConnectionPlan(3, 1));
    assertThat(ConnectionPlan.of(0, 10, 250L)).isEqualTo(new ConnectionPlan(0, 0));
  }

  @Test
  void everyConnectionIsUsedAndNoneCarriesMoreThanTheServerAllows() {
    for (int subs = 1; subs <= 400; subs += 7) {
      for (int requested = 1; requested <= 9; requested++) {
        for (long max : new long[] {1, 2, 3, 10, 64, 250}) {
          ConnectionPlan plan = ConnectionPlan.of(subs, requested, max);
          int[] streams = new int[plan.connections()];
          for (int i = 0; i < subs; i++) {
            streams[plan.connectionOf(i)]++;
          }
          String what = subs + " subs, " + requested + " requested, max " + max;
          int most = (int) Math.min(max, plan.maxStreamsPerConnection());
          for (int n : streams) {
            assertThat(n).as(what).isBetween(1, most);
          }
          assertThat(plan.connections()).as(what).isGreaterThanOrEqualTo(Math.min(subs, requested));
        }
      }
    }
  }

  @Test
  void rejectsWhatCannotBePlanned() {
    assertThatThrownBy(() -> ConnectionPlan.of(10, 0, 250L))
        .hasMessage(
            "plan: 10 subscribers over 0 connections"
                + " (expected: >= 0 subscribers, >= 1 connection)");
    assertThatThrownBy(() -> ConnectionPlan.of(10, 1, 0L))
        .hasMessage("plan: the server allows 0 concurrent streams (expected: >= 1)");
  }
}
