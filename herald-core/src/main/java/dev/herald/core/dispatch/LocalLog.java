package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.HubException;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Readiness;
import dev.herald.core.history.History;
import dev.herald.core.history.ReplaySource;
import dev.herald.core.trace.PublishTracer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * The order of a hub on its own: each batch gets the next sequences, is appended to this hub's
 * history as one group (one commit for a durable store), then handed to the delivery loops and
 * acknowledged, so an acknowledged event is always in history before any subscriber sees it.
 *
 * <p>Runs on the dispatcher's drain (see {@link Sequencer}).
 */
final class LocalLog implements Sequencer {

  /** A full disk fails every publish: one line per interval, not a stack trace per publish. */
  private static final RateLimitedLog appendFailures =
      new RateLimitedLog(LoggerFactory.getLogger(LocalLog.class));

  private final History history;
  private final PublishTracer tracer;
  private Fanout fanout;

  /** Why the last append failed; null once an append succeeds again. Read from any thread. */
  private volatile String appendFailure;

  LocalLog(History history, PublishTracer tracer) {
    this.history = history;
    this.tracer = tracer;
  }

  @Override
  public Start start(Fanout fanout) {
    this.fanout = fanout;
    return new Start(history.lastSequence(), history.lastId());
  }

  @Override
  public void append(List<Publish> batch) {
    long sequence = history.lastSequence();
    List<Event> events = new ArrayList<>(batch.size());
    Object[] traces = null;
    for (int i = 0; i < batch.size(); i++) {
      Publish publish = batch.get(i);
      events.add(publish.at(++sequence));
      if (publish.trace() != null) {
        if (traces == null) {
          traces = new Object[batch.size()];
        }
        traces[i] = publish.trace();
      }
    }
    long start = traces == null ? 0 : System.nanoTime(); // the clock only for a traced batch
    try {
      history.append(events);
    } catch (RuntimeException e) {
      appendFailure = String.valueOf(e.getMessage());
      appendFailures.warn("history append of {} events failed: {}", events.size(), e.toString());
      HubException failure =
          new HubException(
              HubException.Kind.UNAVAILABLE, "history write failed: " + e.getMessage());
      traced(traces, null, batch.size(), start, failure);
      batch.forEach(p -> p.done().completeExceptionally(failure));
      return;
    }
    appendFailure = null;
    traced(traces, events, batch.size(), start, null);
    try {
      fanout.fanOutNow(events, traces);
    } finally {
      // Stored is the truth whatever the hand-out did: a loop that missed the events ended its
      // streams, whose clients resume from history.
      fanout.answer(batch, events);
    }
  }

  /** Tells the tracer of each traced publish's append; {@code events} null when it failed. */
  private void traced(
      Object[] traces, List<Event> events, int batchSize, long start, Throwable failure) {
    if (traces == null) {
      return;
    }
    PublishTracer.Log kind =
        history.neverBlocks() ? PublishTracer.Log.MEMORY : PublishTracer.Log.DURABLE;
    for (int i = 0; i < traces.length; i++) {
      if (traces[i] != null) {
        tracer.appended(
            traces[i], events == null ? null : events.get(i), batchSize, kind, start, failure);
      }
    }
  }

  @Override
  public CompletableFuture<Long> find(String id) {
    return CompletableFuture.completedFuture(history.sequenceOf(id));
  }

  @Override
  public ReplaySource replaySource() {
    return history;
  }

  @Override
  public boolean neverBlocks() {
    return history.neverBlocks();
  }

  @Override
  public void awaitAppends(long deadlineNanos) {
    // Appends finish before append returns: nothing is ever in flight.
  }

  @Override
  public Readiness readiness() {
    // A full disk makes the hub unready until an append succeeds again.
    String failure = appendFailure;
    return failure == null
        ? Readiness.READY
        : Readiness.notReady("history cannot append: " + failure);
  }

  @Override
  public long retained() {
    return history.retained();
  }

  @Override
  public void close() {
    history.close();
  }
}
