package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Update;
import dev.herald.core.sse.SseFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the hub's encoder writes, the client's parser reads back unchanged: the two ends agree. */
class HubEncodingRoundTripTest {

  @Test
  void readsWhatTheHubsEncoderWrites() throws Exception {
    List<ServerSentEvent> events = new ArrayList<>();
    List<Long> retries = new ArrayList<>();
    EventStreamParser parser =
        new EventStreamParser(
            new EventStreamParser.Sink() {
              @Override
              public void event(ServerSentEvent event) {
                events.add(event);
              }

              @Override
              public void retry(long millis) {
                retries.add(millis);
              }

              @Override
              public void lastEventId(String id) {}
            },
            1024,
            null);
    Update update =
        new Update(List.of("urn:t"), "l1\r\nl2\rl3\n\nl5", false, "urn:id", "kind", 10L);
    byte[] frame = SseFrame.encode(update);
    parser.feed(frame, 0, frame.length);
    assertThat(events).containsExactly(new ServerSentEvent("urn:id", "kind", "l1\nl2\nl3\n\nl5"));
    assertThat(retries).containsExactly(10L);
  }
}
