package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.HubException;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Readiness;
import dev.herald.core.history.History;
import dev.herald.core.history.ReplaySource;
import dev.herald.core.trace.PublishTracer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * The order of a hub on its own: each batch gets the next sequences, is appended to this hub's
 * history as one group (one commit for a durable store), then handed to the delivery loops and
 * acknowledged, so an acknowledged event is always in history before any subscriber sees it. A
 * publish whose id the history still retains is a retry: it is answered with that event.
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

  /**
   * Publishes whose id the history already retains (a publisher's retry) are answered with that
   * event and store nothing; so is a second publish of one id within the batch. The others get the
   * next sequences and are appended as one group.
   */
  @Override
  public void append(List<Publish> batch) {
    long sequence = history.lastSequence();
    List<Event> answers = new ArrayList<>(batch.size());
    List<Event> events = new ArrayList<>(batch.size());
    Map<String, Event> storedNow = null; // ids publishers chose, stored by this batch
    Object[] traces = null;
    Object[] freshTraces = null;
    try {
      for (int i = 0; i < batch.size(); i++) {
        Publish publish = batch.get(i);
        // Only an id the publisher chose can repeat one: a generated id costs no lookup.
        Event earlier = storedNow == null ? null : storedNow.get(publish.update().id());
        long retained =
            earlier == null && publish.idChosen() ? history.sequenceOf(publish.update().id()) : -1;
        Event answer;
        if (earlier != null) {
          answer = earlier;
        } else if (retained > 0) {
          answer = publish.stored(retained);
        } else {
          answer = publish.at(++sequence);
          if (publish.idChosen() && batch.size() > 1) {
            storedNow = storedNow == null ? new HashMap<>() : storedNow;
            storedNow.put(answer.id(), answer);
          }
          if (publish.trace() != null) {
            freshTraces = freshTraces == null ? new Object[batch.size()] : freshTraces;
            freshTraces[events.size()] = publish.trace();
          }
          events.add(answer);
        }
        answers.add(answer);
        if (publish.trace() != null) {
          traces = traces == null ? new Object[batch.size()] : traces;
          traces[i] = publish.trace();
        }
      }
    } catch (RuntimeException lookupFailed) {
      fail(batch, traces, 0, lookupFailed);
      return;
    }
    long start = traces == null ? 0 : System.nanoTime(); // the clock only for a traced batch
    if (!events.isEmpty()) {
      try {
        history.append(events);
      } catch (RuntimeException e) {
        fail(batch, traces, start, e);
        return;
      }
    }
    appendFailure = null;
    traced(traces, answers, batch.size(), start, null);
    try {
      if (!events.isEmpty()) {
        fanout.fanOutNow(events, freshTraces);
      }
    } finally {
      // Stored is the truth whatever the hand-out did: a loop that missed the events ended its
      // streams, whose clients resume from history.
      fanout.answer(batch, answers);
    }
  }

  private void fail(List<Publish> batch, Object[] traces, long start, RuntimeException e) {
    appendFailure = String.valueOf(e.getMessage());
    appendFailures.warn("history append of {} events failed: {}", batch.size(), e.toString());
    HubException failure =
        new HubException(HubException.Kind.UNAVAILABLE, "history write failed: " + e.getMessage());
    traced(traces, null, batch.size(), start, failure);
    batch.forEach(p -> p.done().completeExceptionally(failure));
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
