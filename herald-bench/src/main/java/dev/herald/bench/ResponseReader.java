package dev.herald.bench;

/**
 * An incremental HTTP/1.1 response parser for the load generator: the status line and the two
 * headers that frame the body ({@code Content-Length}, {@code Transfer-Encoding: chunked}), then
 * the body, de-chunked, handed to the listener as it arrives. Several responses may follow each
 * other on one connection (pipelined publishes); a body without framing runs until the connection
 * closes (an event stream without chunking).
 *
 * <p>Bytes may be split anywhere between calls. Not thread-safe: one reader per connection, fed
 * from its event loop.
 */
final class ResponseReader {

  /** What the reader found. */
  interface Listener {
    /** The head of a response is complete. */
    void head(int status);

    /** Body bytes {@code bytes[offset, offset + length)}; valid only during the call. */
    void body(byte[] bytes, int offset, int length);

    /** The response (head and body) is complete. */
    void complete(int status);
  }

  /** A response the reader cannot parse; the connection should be closed. */
  static final class MalformedResponse extends RuntimeException {
    MalformedResponse(String message) {
      super(message, null, false, false);
    }
  }

  private enum State {
    HEAD,
    BODY_LENGTH,
    BODY_UNTIL_CLOSE,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    TRAILER
  }

  private static final int MAX_HEAD = 16 * 1024;

  private final Listener listener;
  private final byte[] head = new byte[MAX_HEAD];
  private int headLength;
  private State state = State.HEAD;
  private int status;
  private long remaining;
  private long chunkSize;
  private boolean chunkSizeDigits;
  private boolean chunkExtension;
  private int trailerLineLength;

  ResponseReader(Listener listener) {
    this.listener = listener;
  }

  /** Feeds {@code bytes[offset, offset + length)}. */
  void feed(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      switch (state) {
        case HEAD -> i = readHead(bytes, i, end);
        case BODY_LENGTH -> {
          int n = (int) Math.min(remaining, end - i);
          listener.body(bytes, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            finish();
          }
        }
        case BODY_UNTIL_CLOSE -> {
          listener.body(bytes, i, end - i);
          i = end;
        }
        case CHUNK_SIZE -> i = readChunkSize(bytes, i, end);
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          listener.body(bytes, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            state = State.CHUNK_DATA_END;
          }
        }
        case CHUNK_DATA_END -> {
          // CRLF after the chunk data: skip to the LF.
          if (bytes[i++] == '\n') {
            startChunk();
          }
        }
        case TRAILER -> {
          byte b = bytes[i++];
          if (b == '\n') {
            if (trailerLineLength == 0) {
              finish();
            }
            trailerLineLength = 0;
          } else if (b != '\r') {
            trailerLineLength++;
          }
        }
      }
    }
  }

  private int readHead(byte[] bytes, int i, int end) {
    while (i < end) {
      if (headLength == MAX_HEAD) {
        throw new MalformedResponse("response head longer than " + MAX_HEAD + " bytes");
      }
      byte b = bytes[i++];
      head[headLength++] = b;
      if (b == '\n' && endsWithBlankLine()) {
        parseHead();
        return i;
      }
    }
    return i;
  }

  private boolean endsWithBlankLine() {
    int n = headLength;
    return (n >= 2 && head[n - 2] == '\n')
        || (n >= 4 && head[n - 2] == '\r' && head[n - 3] == '\n' && head[n - 4] == '\r');
  }

  private void parseHead() {
    String text = new String(head, 0, headLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    headLength = 0;
    String[] lines = text.split("\r?\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
      throw new MalformedResponse("status line: '" + lines[0] + "' (expected: HTTP/1.x NNN ...)");
    }
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new MalformedResponse("status: '" + statusLine[1] + "' (expected: a number)");
    }
    long contentLength = -1;
    boolean chunked = false;
    for (int l = 1; l < lines.length; l++) {
      String line = lines[l];
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        try {
          contentLength = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new MalformedResponse("content-length: '" + value + "' (expected: a number)");
        }
      } else if (name.equalsIgnoreCase("transfer-encoding")
          && value.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    listener.head(status);
    boolean noBody = status == 204 || status == 304 || (status >= 100 && status < 200);
    if (noBody) {
      finish();
    } else if (chunked) {
      startChunk();
    } else if (contentLength >= 0) {
      remaining = contentLength;
      if (remaining == 0) {
        finish();
      } else {
        state = State.BODY_LENGTH;
      }
    } else {
      state = State.BODY_UNTIL_CLOSE;
    }
  }

  private void startChunk() {
    state = State.CHUNK_SIZE;
    chunkSize = 0;
    chunkSizeDigits = false;
    chunkExtension = false;
  }

  private int readChunkSize(byte[] bytes, int i, int end) {
    while (i < end) {
      byte b = bytes[i++];
      if (b == '\n') {
        if (!chunkSizeDigits) {
          throw new MalformedResponse("chunk size line without digits");
        }
        if (chunkSize == 0) {
          state = State.TRAILER;
          trailerLineLength = 0;
        } else {
          state = State.CHUNK_DATA;
          remaining = chunkSize;
        }
        return i;
      }
      if (chunkExtension || b == '\r') {
        continue;
      }
      if (b == ';') {
        chunkExtension = true;
        continue;
      }
      int digit = Character.digit(b, 16);
      if (digit < 0) {
        throw new MalformedResponse("chunk size: byte " + (b & 0xff) + " (expected: hex digits)");
      }
      chunkSize = chunkSize * 16 + digit;
      chunkSizeDigits = true;
      if (chunkSize > Integer.MAX_VALUE) {
        throw new MalformedResponse("chunk size over 2 GiB");
      }
    }
    return i;
  }

  private void finish() {
    state = State.HEAD;
    headLength = 0;
    listener.complete(status);
  }
}
