package dev.herald.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the small bodies of non-streaming answers, bounded. Stateless; any thread. */
final class Bodies {

  /** Hub answers (an id, a one-line reason) are short; a longer body is cut here. */
  static final int MAX_BODY = 8 * 1024;

  private Bodies() {}

  /** The first line of the body, stripped, at most {@link #MAX_BODY} bytes read; closes it. */
  static String firstLine(InputStream body) throws IOException {
    try (InputStream in = body) {
      String text = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
      int end = 0;
      while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
        end++;
      }
      return text.substring(0, end).strip();
    }
  }

  /** The hub's reason for an error answer: its first line, or a placeholder if it gave none. */
  static String reason(InputStream body) throws IOException {
    String line = firstLine(body);
    return line.isEmpty() ? "(no reason given)" : line;
  }
}
