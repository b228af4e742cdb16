package dev.herald.client;

import java.nio.charset.StandardCharsets;

/**
 * herald-client's own parser ({@link EventStreamParser}) fed one line at a time, for the tests of
 * other modules that read the hub's streams (through herald-client's test jar): there is one
 * interpretation of {@code text/event-stream} in the project, the client's.
 *
 * <p>Not thread-safe: one per stream, fed from one thread.
 */
public final class EventStreamLines {

  /** What the parser found; called on the feeding thread. */
  public interface Listener {
    void event(String id, String type, String data);

    /** A {@code retry:} line, in or outside an event. */
    void retry(long millis);

    /** A blank line: {@code lastEventId} is what a reconnection would now send. */
    void blankLine(String lastEventId);
  }

  private final EventStreamParser parser;

  public EventStreamLines(Listener listener) {
    this.parser =
        new EventStreamParser(
            new EventStreamParser.Sink() {
              @Override
              public void event(ServerSentEvent event) {
                listener.event(event.id(), event.type(), event.data());
              }

              @Override
              public void retry(long millis) {
                listener.retry(millis);
              }

              @Override
              public void lastEventId(String id) {
                listener.blankLine(id);
              }
            },
            Integer.MAX_VALUE - 8,
            null);
  }

  /**
   * Feeds one line without its terminator.
   *
   * @throws IllegalStateException if the line is not valid in an event stream
   */
  public void line(String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      parser.feed(bytes, 0, bytes.length);
    } catch (EventStreamParser.MalformedStreamException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
