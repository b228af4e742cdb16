package dev.herald.core.history;

import dev.herald.core.Event;
import java.util.List;
import java.util.concurrent.Executor;

/** Test double: delegates to a history but reads on the given executor, as a disk store would. */
public class MemoryHistoryView implements History {

  private final History delegate;
  private final Executor readers;

  public MemoryHistoryView(History delegate, Executor readers) {
    this.delegate = delegate;
    this.readers = readers;
  }

  @Override
  public void append(List<Event> events) {
    delegate.append(events);
  }

  @Override
  public List<Event> read(long afterSequence, long upToSequence, int max) {
    return delegate.read(afterSequence, upToSequence, max);
  }

  @Override
  public long sequenceOf(String id) {
    return delegate.sequenceOf(id);
  }

  @Override
  public long lastSequence() {
    return delegate.lastSequence();
  }

  @Override
  public String lastId() {
    return delegate.lastId();
  }

  @Override
  public Executor readExecutor() {
    return readers;
  }
}
