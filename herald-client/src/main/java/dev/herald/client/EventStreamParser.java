package dev.herald.client;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Interprets a {@code text/event-stream} byte by byte as the WHATWG HTML standard says
 * ("Server-sent events", section 9.2.6): one leading BOM skipped; lines end at CR, LF or CRLF, even
 * when CR and LF arrive in separate reads; comments ignored; one space after the colon removed;
 * {@code data} lines joined with LF; an {@code id} containing NUL ignored; {@code retry} taken only
 * when it is all ASCII digits; an event dispatched at a blank line only if it has data, while the
 * last event id is kept even without one; an unterminated last line or event discarded.
 *
 * <p>Two departures, both to end a bad connection instead of absorbing it: invalid UTF-8 is an
 * error (browsers substitute U+FFFD), and a line or an event's data longer than the bound is an
 * error (browsers grow without limit). Either throws {@link MalformedStreamException}; the parser
 * must then be discarded.
 *
 * <p>Not thread-safe: one parser per connection, fed from the thread that reads it.
 */
final class EventStreamParser {

  /** What the parser found; called on the feeding thread. */
  interface Sink {
    void event(ServerSentEvent event);

    /** The stream asked for this reconnection delay ({@code retry:}), in milliseconds. */
    void retry(long millis);

    /**
     * A blank line set the stream's last event id (after the event it ended, if any): from now on a
     * reconnection resumes after {@code id}. Called after {@link #event} returned.
     */
    void lastEventId(String id);
  }

  /** The stream broke the format or a bound; the connection should end. */
  static final class MalformedStreamException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedStreamException(String message) {
      super(message, null, false, false);
    }
  }

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final Sink sink;
  private final int maxLineBytes;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] line = new byte[256];
  private int lineLength;
  private int bomMatched; // bytes of a leading BOM seen; -1 once past the stream's start
  private boolean afterCr;
  private long lineNumber;

  private final StringBuilder data = new StringBuilder();
  private String eventType = "";
  private String lastEventId;

  EventStreamParser(Sink sink, int maxLineBytes, String lastEventId) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
    this.lastEventId = lastEventId == null ? "" : lastEventId;
  }

  /** The last event id buffer: what a reconnection sends as {@code Last-Event-ID}. */
  String lastEventId() {
    return lastEventId;
  }

  void feed(byte[] bytes, int offset, int length) throws MalformedStreamException {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (bomMatched >= 0) {
        if (b == BOM[bomMatched]) {
          if (++bomMatched == BOM.length) {
            bomMatched = -1;
          }
          continue;
        }
        // Not a BOM after all: the bytes matched so far are content.
        int matched = bomMatched;
        bomMatched = -1;
        for (int j = 0; j < matched; j++) {
          append(BOM[j]);
        }
      }
      if (b == '\n') {
        if (afterCr) {
          afterCr = false; // the LF of a CRLF: that line already ended
          continue;
        }
        endLine();
      } else if (b == '\r') {
        endLine();
        afterCr = true;
      } else {
        afterCr = false;
        append(b);
      }
    }
  }

  private void append(byte b) throws MalformedStreamException {
    if (lineLength == maxLineBytes) {
      throw new MalformedStreamException(
          "line " + (lineNumber + 1) + " longer than " + maxLineBytes + " bytes");
    }
    if (lineLength == line.length) {
      byte[] bigger = new byte[Math.min(maxLineBytes, line.length * 2)];
      System.arraycopy(line, 0, bigger, 0, lineLength);
      line = bigger;
    }
    line[lineLength++] = b;
  }

  private void endLine() throws MalformedStreamException {
    lineNumber++;
    String text;
    try {
      CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(line, 0, lineLength));
      text = chars.toString();
    } catch (CharacterCodingException e) {
      throw new MalformedStreamException("invalid UTF-8 in line " + lineNumber);
    }
    lineLength = 0;
    if (line.length > 64 * 1024) {
      line = new byte[256]; // do not keep one huge line's buffer for the connection's life
    }
    processLine(text);
  }

  private void processLine(String text) throws MalformedStreamException {
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return; // a comment, e.g. a heartbeat
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = "";
    if (colon >= 0) {
      int start = colon + 1;
      if (start < text.length() && text.charAt(start) == ' ') {
        start++;
      }
      value = text.substring(start);
    }
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> {
        if (data.length() + value.length() + 1 > maxLineBytes) {
          throw new MalformedStreamException(
              "event data longer than " + maxLineBytes + " characters at line " + lineNumber);
        }
        data.append(value).append('\n');
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          long millis;
          try {
            millis = Long.parseLong(value);
          } catch (NumberFormatException tooLarge) {
            millis = Long.MAX_VALUE; // a number no long holds is still a valid (huge) delay
          }
          sink.retry(millis);
        }
      }
      default -> {
        // Other fields are ignored, as the standard says.
      }
    }
  }

  private void dispatch() {
    if (data.length() > 0) {
      data.setLength(data.length() - 1); // the LF after the last data line
      String type = eventType.isEmpty() ? "message" : eventType;
      ServerSentEvent event = new ServerSentEvent(lastEventId, type, data.toString());
      data.setLength(0);
      eventType = "";
      sink.event(event);
    }
    eventType = "";
    // Even a block without data sets the source's last event id (the standard's dispatch, step 1).
    sink.lastEventId(lastEventId);
  }
}
