package dev.herald.core.sse;

import dev.herald.client.EventStreamLines;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads a {@code text/event-stream} line by line into {@link SseEvent}s, each with the {@code
 * retry:} its block carried, by herald-client's own parser: the tests of the hub's wire bytes read
 * them as the project's client does, with no second interpretation of the format to keep in step.
 * The server's and the Redis tests share it through core's test jar.
 *
 * <p>Not thread-safe: one parser per stream, fed from one thread.
 */
public final class SseParser {

  private final EventStreamLines lines;
  private String lastEventId = "";
  private Long reconnectionMillis;
  private Long blockRetry; // a retry: in the block being read, for the event it ends

  public SseParser(Consumer<SseEvent> listener) {
    this.lines =
        new EventStreamLines(
            new EventStreamLines.Listener() {
              @Override
              public void event(String id, String type, String data) {
                listener.accept(new SseEvent(id, type, data, blockRetry));
              }

              @Override
              public void retry(long millis) {
                blockRetry = millis;
                reconnectionMillis = millis;
              }

              @Override
              public void blankLine(String id) {
                lastEventId = id;
                blockRetry = null;
              }
            });
  }

  /**
   * The id the client would send back as {@code Last-Event-ID}: set at each blank line, so not that
   * of an event still being read; empty before the first.
   */
  public String lastEventId() {
    return lastEventId;
  }

  /**
   * The reconnection delay the stream asked for with {@code retry:}, even on a line of its own
   * outside any event, or null if it never did.
   */
  public Long reconnectionMillis() {
    return reconnectionMillis;
  }

  /** Feeds one line without its terminator. */
  public void line(String line) {
    lines.line(line);
  }

  /**
   * Reads {@code lines} (an HTTP response body) on a daemon thread named {@code name}, handing each
   * event to {@code listener}; {@code ended} runs when the stream ends or is closed under the
   * reader.
   */
  public static void follow(
      Stream<String> lines, Consumer<SseEvent> listener, String name, Runnable ended) {
    SseParser parser = new SseParser(listener);
    Thread reader =
        new Thread(
            () -> {
              try {
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                  parser.line(it.next());
                }
              } catch (RuntimeException closed) {
                // the connection was closed under the reader: the stream ended too
              } finally {
                ended.run();
              }
            },
            name);
    reader.setDaemon(true);
    reader.start();
  }
}
