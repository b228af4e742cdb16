package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.sse.SseEvent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A publisher's retry over real sockets: the same id posted twice is answered 200 with that id both
 * times, and a replay from {@code earliest} delivers the update once.
 */
class IdempotentPublishServerTest extends ServerTestBase {

  @Test
  void aRetriedPublishIsAnsweredWithItsIdAndDeliveredOnce() throws Exception {
    HttpResponse<String> first = publish("topic=t&data=first&id=" + enc("urn:x:1"));
    HttpResponse<String> retry = publish("topic=t&data=retry&id=" + enc("urn:x:1"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("urn:x:1");
    assertThat(retry.body()).isEqualTo("urn:x:1");
    publishOk("topic=t&data=after&id=" + enc("urn:x:2"));

    URI uri = URI.create(subscribeUri("t") + "&lastEventID=earliest");
    try (SseClient sub = SseClient.open(http, uri, Map.of())) {
      SseEvent replayed = sub.next();
      assertThat(replayed.id()).isEqualTo("urn:x:1");
      assertThat(replayed.data()).as("the first publish is the stored one").isEqualTo("first");
      assertThat(sub.next().id()).as("no second copy before it").isEqualTo("urn:x:2");
    }
  }
}
