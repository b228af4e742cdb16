package dev.herald.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The dispatch benchmark's harness counts every delivery once, whoever publishes. */
class HubOnLoopsTest {

  @Test
  void everySubscriberOfTheTopicDrainsEveryPublishOnItsOwnLoop() throws InterruptedException {
    for (String publishFrom : new String[] {"caller", "loop", "loops"}) {
      HubOnLoops hub = new HubOnLoops();
      hub.start(2, publishFrom, 101, 1, 50);
      assertThat(hub.publishAndAwait(50)).as(publishFrom).isEqualTo(50L * 101);
      assertThat(hub.publishAndAwait(7)).as(publishFrom).isEqualTo(7L * 101);
      hub.stop(); // throws if a delivery was lost, doubled or a subscriber was cut
    }
  }

  @Test
  void topicPerSubscriberDeliversOncePerPublishAcrossBursts() throws InterruptedException {
    HubOnLoops hub = new HubOnLoops();
    hub.start(2, "loops", 10, 10, 25);
    // 25 publishes cycling over 10 topics: bursts start mid-cycle, so the per-loop due counts
    // must follow the topic cursor.
    for (int burst = 0; burst < 4; burst++) {
      assertThat(hub.publishAndAwait(25)).isEqualTo(25);
    }
    hub.stop();
  }
}
