package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.ScriptedHub.Answer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The hub's renewal notice ({@code event: herald-renew}) over a loopback socket: a subscriber whose
 * token supplier gives a new token reconnects at once with it and the last delivered id, hands the
 * notice to no listener and reports no disconnection; one without a new token stays on its stream.
 */
class HeraldSubscriberRenewalTest {

  private static final String NOTICE = "event: herald-renew\ndata: {\"closes_in_ms\":1000}\n\n";

  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final RecordingListener listener = new RecordingListener();

  @Test
  void aFreshTokenReplacesTheStreamResumingAfterTheLastDeliveredEvent() throws Exception {
    AtomicInteger issued = new AtomicInteger();
    try (ScriptedHub hub =
        new ScriptedHub(
            Answer.stream("id: a\ndata: 1\n\n" + NOTICE + "id: b\ndata: 2\n\n", true),
            Answer.stream("id: c\ndata: 3\n\n", true))) {
      HeraldSubscriber subscriber =
          HeraldSubscriber.builder(hub.url())
              .topics("t")
              .sleeper(sleeper)
              .token(() -> "token-" + issued.incrementAndGet())
              .start(listener);
      try {
        assertThat(listener.next()).isEqualTo(new ServerSentEvent("a", "message", "1"));
        assertThat(listener.next()).isEqualTo(new ServerSentEvent("b", "message", "2"));
        assertThat(listener.next()).isEqualTo(new ServerSentEvent("c", "message", "3"));
        assertThat(hub.nextRequest().header("Authorization")).isEqualTo("Bearer token-1");
        ScriptedHub.Request renewed = hub.nextRequest();
        assertThat(renewed.header("Authorization")).isEqualTo("Bearer token-2");
        assertThat(renewed.header("Last-Event-ID")).isEqualTo("b");
      } finally {
        subscriber.close();
      }
      assertThat(listener.disconnects).as("a renewal is no disconnection").isEmpty();
      assertThat(sleeper.delays).as("and no wait").isEmpty();
      assertThat(issued.get()).isEqualTo(2);
    }
  }

  @Test
  void theSameTokenAgainIsNoRenewal() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    try (ScriptedHub hub =
        new ScriptedHub(
            Answer.stream("id: a\ndata: 1\n\n" + NOTICE + "id: b\ndata: 2\n\n", true))) {
      HeraldSubscriber subscriber =
          HeraldSubscriber.builder(hub.url())
              .topics("t")
              .sleeper(sleeper)
              .token(
                  () -> {
                    asked.incrementAndGet();
                    return "the-same";
                  })
              .start(listener);
      try {
        assertThat(listener.next().data()).isEqualTo("1");
        assertThat(listener.next().data()).isEqualTo("2");
        hub.nextRequest();
      } finally {
        subscriber.close();
      }
      assertThat(asked.get()).as("once to connect, once on the notice").isEqualTo(2);
      assertThat(hub.pendingRequests()).as("no second connection").isZero();
      assertThat(listener.calls).noneMatch(call -> call.contains("herald-renew"));
    }
  }

  @Test
  void noIdToResumeFromMeansNoRenewal() throws Exception {
    AtomicInteger issued = new AtomicInteger();
    try (ScriptedHub hub = new ScriptedHub(Answer.stream(NOTICE + "data: no id\n\n", true))) {
      HeraldSubscriber subscriber =
          HeraldSubscriber.builder(hub.url())
              .topics("t")
              .sleeper(sleeper)
              .token(() -> "token-" + issued.incrementAndGet())
              .start(listener);
      try {
        assertThat(listener.next().data()).isEqualTo("no id");
        hub.nextRequest();
      } finally {
        subscriber.close();
      }
      assertThat(issued.get()).as("the supplier is not even asked").isEqualTo(1);
      assertThat(hub.pendingRequests()).isZero();
      assertThat(List.copyOf(listener.disconnects)).isEmpty();
    }
  }
}
