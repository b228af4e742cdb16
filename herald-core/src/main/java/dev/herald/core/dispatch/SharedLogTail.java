package dev.herald.core.dispatch;

import dev.herald.core.Event;
import dev.herald.core.HubException;
import dev.herald.core.Readiness;
import dev.herald.core.Update;
import dev.herald.core.history.ReplaySource;
import dev.herald.core.history.SharedLog;
import dev.herald.core.trace.PublishTracer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The order of a cluster: a batch is appended to the shared log without being fanned out, and
 * acknowledged once the log has it; every hub, this one included, fans out only what its tail of
 * the log delivers. Nothing is encoded at publish: the tail encodes each event once for all the
 * subscribers of this hub.
 *
 * <p>{@link #append} and {@link #find} run on the dispatcher's drain and never block; the log's
 * answers and its tail arrive on the log's threads.
 */
final class SharedLogTail implements Sequencer {

  private final SharedLog log;
  private final PublishTracer tracer;
  private Fanout fanout;
  // Appends sent to the log and not answered yet, so that close can wait for them.
  private final Set<CompletableFuture<long[]>> appending = ConcurrentHashMap.newKeySet();

  SharedLogTail(SharedLog log, PublishTracer tracer) {
    this.log = log;
    this.tracer = tracer;
  }

  @Override
  public Start start(Fanout fanout) {
    this.fanout = fanout;
    long last =
        log.startTail(
            new SharedLog.Listener() {
              @Override
              public void deliver(List<Event> events) {
                fanout.fanOutLater(events, null);
              }

              @Override
              public void deliver(List<Event> events, String[] traceContexts) {
                fanout.fanOutLater(events, traces(events, traceContexts));
              }

              @Override
              public void gap(long resumeAfter, String reason) {
                fanout.lostLater(resumeAfter, reason);
              }
            });
    // Until the tail delivers, the id of the event at the start is unknown: "earliest" makes a
    // client that resumes from a subscriptions snapshot replay more, never less.
    return new Start(last, null);
  }

  @Override
  public void append(List<Publish> batch) {
    List<Publish> sent = List.copyOf(batch);
    List<Update> updates = new ArrayList<>(sent.size());
    for (Publish publish : sent) {
      updates.add(publish.update());
    }
    boolean traced = sent.stream().anyMatch(publish -> publish.trace() != null);
    long start = traced ? System.nanoTime() : 0;
    String[] traceContexts = traced ? propagated(sent) : null;
    CompletableFuture<long[]> appended;
    try {
      appended = log.appendShared(updates, traceContexts);
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<long[]> inFlight = appended;
    appending.add(inFlight); // before the callback, which may run at once and remove it
    inFlight.whenComplete(
        (sequences, failure) -> {
          appending.remove(inFlight);
          if (failure != null) {
            HubException error = unavailable("shared log append failed", failure);
            if (traced) {
              for (Publish publish : sent) {
                if (publish.trace() != null) {
                  tracer.appended(
                      publish.trace(), null, sent.size(), PublishTracer.Log.SHARED, start, error);
                }
              }
            }
            sent.forEach(publish -> publish.done().completeExceptionally(error));
            return;
          }
          List<Event> stored = new ArrayList<>(sent.size());
          for (int i = 0; i < sent.size(); i++) {
            stored.add(sent.get(i).stored(sequences[i]));
            if (sent.get(i).trace() != null) {
              tracer.appended(
                  sent.get(i).trace(),
                  stored.get(i),
                  sent.size(),
                  PublishTracer.Log.SHARED,
                  start,
                  null);
            }
          }
          fanout.answer(sent, stored);
        });
  }

  /** Each traced publish's context as the log carries it (null for the others). */
  private String[] propagated(List<Publish> sent) {
    String[] contexts = new String[sent.size()];
    for (int i = 0; i < contexts.length; i++) {
      Object trace = sent.get(i).trace();
      contexts[i] = trace == null ? null : tracer.propagate(trace);
    }
    return contexts;
  }

  /** On the tail's thread: the fan-out's trace context of each event the log carried one for. */
  private Object[] traces(List<Event> events, String[] traceContexts) {
    if (traceContexts == null) {
      return null;
    }
    Object[] traces = null;
    for (int i = 0; i < traceContexts.length; i++) {
      if (traceContexts[i] != null) {
        Object trace = tracer.received(events.get(i), traceContexts[i]);
        if (trace != null) {
          if (traces == null) {
            traces = new Object[events.size()];
          }
          traces[i] = trace;
        }
      }
    }
    return traces;
  }

  @Override
  public CompletableFuture<Long> find(String id) {
    try {
      return log.findSequence(id)
          .exceptionallyCompose(
              failure ->
                  CompletableFuture.failedFuture(unavailable("history lookup failed", failure)));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(unavailable("history lookup failed", e));
    }
  }

  @Override
  public ReplaySource replaySource() {
    return log;
  }

  @Override
  public boolean neverBlocks() {
    return true;
  }

  @Override
  public void awaitAppends(long deadlineNanos) throws InterruptedException {
    if (appending.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(appending.toArray(new CompletableFuture<?>[0]))
          .get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Each publisher was answered by its own future; nothing more to wait for here.
    }
  }

  @Override
  public boolean appending() {
    return !appending.isEmpty();
  }

  @Override
  public Readiness readiness() {
    return log.readiness();
  }

  @Override
  public long retained() {
    return log.retained();
  }

  @Override
  public long tailLagNanos() {
    return log.tailLagNanos();
  }

  @Override
  public void close() {
    log.close();
  }

  static HubException unavailable(String what, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof HubException e) {
      return e;
    }
    return new HubException(HubException.Kind.UNAVAILABLE, what + ": " + cause.getMessage());
  }
}
