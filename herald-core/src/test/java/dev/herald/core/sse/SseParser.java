package dev.herald.core.sse;

import java.util.function.Consumer;

/**
 * Parses a {@code text/event-stream} line by line, following the WHATWG "interpret the event
 * stream" rules: fields, comments, a leading space after the colon, and an event dispatched at
 * each blank line only if it has data.
 *
 * <p>A test helper for reading the hub's own streams line by line (the server's and the Redis
 * tests share it through core's test jar); applications use herald-client's subscriber, whose
 * parser also handles bytes, bounds and invalid UTF-8.
 *
 * <p>Not thread-safe: one parser per stream, fed from one thread.
 */
public final class SseParser {

  private final Consumer<SseEvent> listener;
  private final StringBuilder data = new StringBuilder();
  private String lastEventId = "";
  private String dispatchedId = "";
  private Long reconnectionMillis;
  private String type;
  private Long retry;
  private boolean hasData;

  public SseParser(Consumer<SseEvent> listener) {
    this.listener = listener;
  }

  /**
   * The id the client would send back as {@code Last-Event-ID}: that of the last event
   * dispatched, not of one still being read; empty before the first one.
   */
  public String lastEventId() {
    return dispatchedId;
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
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.charAt(0) == ':') {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = "";
    if (colon >= 0) {
      int start = colon + 1;
      if (start < line.length() && line.charAt(start) == ' ') {
        start++;
      }
      value = line.substring(start);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> type = value;
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        Long millis = asciiMillis(value);
        if (millis != null) {
          retry = millis;
          reconnectionMillis = millis;
        }
      }
      default -> {
        // Unknown fields are ignored, as browsers do.
      }
    }
  }

  /**
   * The value as milliseconds if it is only ASCII digits, as WHATWG demands (other Unicode digits
   * do not count); null otherwise, and for a number too large for a long, which a stream may send
   * but no client could wait for.
   */
  private static Long asciiMillis(String value) {
    if (value.isEmpty()) {
      return null;
    }
    long millis = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9' || millis > (Long.MAX_VALUE - (c - '0')) / 10) {
        return null;
      }
      millis = millis * 10 + (c - '0');
    }
    return millis;
  }

  private void dispatch() {
    if (hasData) {
      String eventType = type == null || type.isEmpty() ? "message" : type;
      dispatchedId = lastEventId;
      listener.accept(new SseEvent(lastEventId, eventType, data.toString(), retry));
    }
    data.setLength(0);
    hasData = false;
    type = null;
    retry = null;
  }
}
