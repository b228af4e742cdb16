package dev.herald.bench;

/**
 * Counts the events of a {@code text/event-stream} body and finds the load generator's send
 * timestamp in them, without building strings: an event ends at a blank line and counts only if it
 * had a {@code data} field (as in the browser); inside {@code data} lines the first {@code lgts}
 * followed by decimal digits is the timestamp. Lines may end in CRLF, LF or CR.
 *
 * <p>Bytes may be split anywhere between calls. Not thread-safe: one scanner per stream.
 */
final class SseScanner {

  /** The marker before the timestamp digits; alphanumeric so it survives form encoding. */
  static final byte[] MARKER = {'l', 'g', 't', 's'};

  /** Receives each complete event. */
  interface Listener {
    /** An event with data; {@code timestamp} is the first marked number in it, or -1. */
    void event(long timestamp);
  }

  private static final byte[] DATA = {'d', 'a', 't', 'a'};

  private final Listener listener;
  private boolean afterCr;
  private int lineLength; // bytes of the current line so far
  private boolean prefixIsData = true; // the first min(lineLength, 4) bytes equal "data"
  private boolean inDataValue; // past "data:" on this line
  private boolean hasData;
  private long timestamp = -1;
  private int markerMatched; // bytes of MARKER matched so far
  private boolean inDigits;
  private long digits;

  SseScanner(Listener listener) {
    this.listener = listener;
  }

  void feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      byte b = bytes[i];
      if (b == '\n' && afterCr) {
        afterCr = false; // the LF of a CRLF: the line already ended at the CR
        continue;
      }
      afterCr = b == '\r';
      if (b == '\n' || b == '\r') {
        endLine();
        continue;
      }
      int position = lineLength++;
      if (position < DATA.length) {
        prefixIsData &= b == DATA[position];
        continue;
      }
      if (position == DATA.length) {
        inDataValue = prefixIsData && b == ':';
        if (inDataValue) {
          hasData = true;
        }
        continue;
      }
      if (inDataValue && timestamp < 0) {
        scanTimestamp(b);
      }
    }
  }

  private void scanTimestamp(byte b) {
    if (inDigits) {
      if (b >= '0' && b <= '9' && digits < Long.MAX_VALUE / 10) {
        digits = digits * 10 + (b - '0');
        return;
      }
      timestamp = digits;
      inDigits = false;
      return;
    }
    if (markerMatched == MARKER.length) {
      if (b >= '0' && b <= '9') {
        inDigits = true;
        digits = b - '0';
        return;
      }
      markerMatched = 0;
    }
    if (b == MARKER[markerMatched]) {
      markerMatched++;
    } else {
      markerMatched = b == MARKER[0] ? 1 : 0;
    }
  }

  private void endLine() {
    if (lineLength == 0) {
      if (hasData) {
        listener.event(timestamp);
      }
      hasData = false;
      timestamp = -1;
    } else if (lineLength == DATA.length && prefixIsData) {
      hasData = true; // "data" alone is an empty data field
    }
    if (inDigits) {
      timestamp = digits;
      inDigits = false;
    }
    markerMatched = 0;
    lineLength = 0;
    prefixIsData = true;
    inDataValue = false;
  }
}
