package dev.herald.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records every callback a subscriber makes, in order; events can be awaited one by one. */
class RecordingListener implements SubscriptionListener {

  final BlockingQueue<ServerSentEvent> events = new LinkedBlockingQueue<>();
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<HeraldClientException> disconnects = new CopyOnWriteArrayList<>();
  final List<Duration> delays = new CopyOnWriteArrayList<>();
  final List<String> missing = new CopyOnWriteArrayList<>();
  final CompletableFuture<HeraldClientException> closed = new CompletableFuture<>();

  @Override
  public void onEvent(ServerSentEvent event) {
    calls.add("event " + event.id());
    events.add(event);
  }

  @Override
  public void onOpen() {
    calls.add("open");
  }

  @Override
  public void onEventsMayBeMissing(String requestedLastEventId) {
    calls.add("missing " + requestedLastEventId);
    missing.add(requestedLastEventId);
  }

  @Override
  public void onDisconnect(HeraldClientException reason, Duration reconnectIn) {
    calls.add("disconnect " + reason.getMessage());
    disconnects.add(reason);
    delays.add(reconnectIn);
  }

  @Override
  public void onClosed(HeraldClientException reason) {
    calls.add("closed " + (reason == null ? "" : reason.getMessage()));
    closed.complete(reason);
  }

  ServerSentEvent next() throws InterruptedException {
    ServerSentEvent event = events.poll(Loopback.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (event == null) {
      throw new AssertionError("no event within " + Loopback.WAIT + "; calls: " + calls);
    }
    return event;
  }

  HeraldClientException awaitClosed() throws Exception {
    return closed.get(Loopback.WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
