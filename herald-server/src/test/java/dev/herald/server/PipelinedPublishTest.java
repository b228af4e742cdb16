package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.history.History;
import dev.herald.core.history.MemoryHistory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Publishes pipelined on one HTTP/1.1 connection, written in one go as load generators and batching
 * publishers do: each is answered, in request order, an error in the middle included. Both kinds of
 * history: one that never blocks (a publish is stored and answered inside the read) and one that
 * may (stored on the hub's dispatcher thread, answered later). Runs on the JUnit thread against a
 * hub over a real socket.
 */
class PipelinedPublishTest extends ServerTestBase {

  private static String publishRequest(String form) {
    return "POST /.well-known/mercure HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\n"
        + "Authorization: Bearer "
        + PUBLISHER
        + "\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: "
        + form.getBytes(StandardCharsets.UTF_8).length
        + "\r\n"
        + "\r\n"
        + form;
  }

  /** Memory, but without the never-blocks promise: the hub stores on its dispatcher thread. */
  private static final class DispatcherThreadHistory implements History {
    private final MemoryHistory memory = new MemoryHistory(100);
    final List<Integer> commits = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void append(List<Event> events) {
      commits.add(events.size());
      memory.append(events);
    }

    @Override
    public long sequenceOf(String id) {
      return memory.sequenceOf(id);
    }

    @Override
    public long lastSequence() {
      return memory.lastSequence();
    }

    @Override
    public String lastId() {
      return memory.lastId();
    }

    @Override
    public List<Event> read(long afterSequence, long upToSequence, int max) {
      return memory.read(afterSequence, upToSequence, max);
    }
  }

  /** Restarts the hub on a history that may block: publishes are answered after the read. */
  private DispatcherThreadHistory storeOnTheDispatcherThread() throws InterruptedException {
    server.close();
    DispatcherThreadHistory history = new DispatcherThreadHistory();
    server =
        HeraldServer.builder(config().build())
            .hub(new Hub(HubConfig.DEFAULTS.withHistorySize(100), history))
            .start();
    return history;
  }

  @Test
  void publishesReadTogetherAreStoredInOneCommitWhenTheHistoryStoresOnAnotherThread()
      throws Exception {
    DispatcherThreadHistory history = storeOnTheDispatcherThread();
    int count = 8; // fewer than the 16 held: all of them are read before any is answered
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < count; i++) {
      requests.append(publishRequest("topic=t&data=" + i + "&id=urn:" + i));
    }

    List<RawHttp.Response> answers =
        RawHttp.pipelined(
            server.port(), requests.toString().getBytes(StandardCharsets.UTF_8), count);

    assertThat(answers).extracting(RawHttp.Response::status).containsOnly(200);
    // One read, one commit: the store is woken once the loop has read them all, not per publish.
    assertThat(history.commits).containsExactly(count);
  }

  @Test
  void answersKeepRequestOrderWhenTheHistoryStoresOnAnotherThread() throws Exception {
    storeOnTheDispatcherThread();
    pipelinedPublishesAreAnsweredInRequestOrder();
  }

  @Test
  void moreRequestsThanTheHubHoldsAreAllAnsweredInOrder() throws Exception {
    storeOnTheDispatcherThread();
    int count = 48; // three times the 16 held before the connection stops reading
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < count; i++) {
      requests.append(publishRequest("topic=t&data=" + i + "&id=urn:" + i));
    }

    List<RawHttp.Response> answers =
        RawHttp.pipelined(
            server.port(), requests.toString().getBytes(StandardCharsets.UTF_8), count);

    for (int i = 0; i < count; i++) {
      assertThat(answers.get(i).status()).isEqualTo(200);
      assertThat(answers.get(i).body()).isEqualTo("urn:" + i);
    }
  }

  @Test
  void nothingIsAnsweredAfterAnAnswerThatClosesTheConnection() throws Exception {
    storeOnTheDispatcherThread();
    String closing =
        publishRequest("topic=t&data=2&id=urn:b")
            .replace("Host: 127.0.0.1\r\n", "Host: 127.0.0.1\r\nConnection: close\r\n");
    byte[] requests =
        (publishRequest("topic=t&data=1&id=urn:a")
                + closing
                + publishRequest("topic=t&data=3&id=urn:c"))
            .getBytes(StandardCharsets.UTF_8);

    List<RawHttp.Response> answers = RawHttp.pipelined(server.port(), requests, 2);
    assertThat(answers).extracting(RawHttp.Response::body).containsExactly("urn:a", "urn:b");
    assertThat(answers.get(1).headers()).containsEntry("connection", "close");
    assertThatThrownBy(() -> RawHttp.pipelined(server.port(), requests, 3))
        .hasMessage("connection closed without a response");
  }

  @Test
  void pipelinedPublishesAreAnsweredInRequestOrder() throws Exception {
    String requests =
        publishRequest("topic=t&data=1&id=urn:a")
            + publishRequest("topic=t&data=2&id=urn:b")
            + publishRequest("data=no-topic")
            + publishRequest("topic=t&data=3&id=urn:c");

    List<RawHttp.Response> answers =
        RawHttp.pipelined(server.port(), requests.getBytes(StandardCharsets.UTF_8), 4);

    assertThat(answers).extracting(RawHttp.Response::status).containsExactly(200, 200, 400, 200);
    assertThat(answers.get(0).body()).isEqualTo("urn:a");
    assertThat(answers.get(1).body()).isEqualTo("urn:b");
    assertThat(answers.get(2).body()).contains("topic");
    assertThat(answers.get(3).body()).isEqualTo("urn:c");
  }
}
