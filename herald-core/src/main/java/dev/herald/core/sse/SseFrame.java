package dev.herald.core.sse;

import dev.herald.core.Update;
import java.nio.charset.StandardCharsets;

/**
 * Encodes updates and comments to {@code text/event-stream} bytes.
 *
 * <p>Each update is encoded once, at publish time, and the bytes are shared by every subscriber.
 * Stateless; safe from any thread.
 */
public final class SseFrame {

  /** The comment that opens every stream so that {@code EventSource.onopen} fires at once. */
  public static final byte[] OPEN_COMMENT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

  /** Keeps idle connections alive through proxies that cut silent streams. */
  public static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

  private SseFrame() {}

  /** The full event: {@code id}, optional {@code event} and {@code retry}, one data line each. */
  public static byte[] encode(Update update) {
    StringBuilder out = new StringBuilder(update.data().length() + 64);
    out.append("id: ").append(update.id()).append('\n');
    if (update.type() != null) {
      out.append("event: ").append(update.type()).append('\n');
    }
    if (update.retry() != null) {
      out.append("retry: ").append(update.retry()).append('\n');
    }
    appendData(out, update.data());
    out.append('\n');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A data-only message (no id), e.g. the demo's "connected" greeting. */
  public static byte[] message(String data) {
    StringBuilder out = new StringBuilder(data.length() + 8);
    appendData(out, data);
    out.append('\n');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The type of the event that tells a subscriber its token (or grant) is about to expire: {@code
   * EventSource} dispatches it only to a listener of this type, so plain clients ignore it, and it
   * carries no {@code id}, so it leaves the stream's last event id alone.
   */
  public static final String RENEWAL_EVENT = "herald-renew";

  /**
   * The renewal notice: the stream closes in {@code closesInMillis}; a client with a fresh token
   * reconnects with {@code Last-Event-ID} before then.
   */
  public static byte[] renewal(long closesInMillis) {
    return ("event: " + RENEWAL_EVENT + "\ndata: {\"closes_in_ms\":" + closesInMillis + "}\n\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A reconnection-delay hint, sent alone. */
  public static byte[] retry(long millis) {
    return ("retry: " + millis + "\n\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * One {@code data:} line per input line. CR, LF and CRLF all end a line, as the SSE parser in the
   * browser will split on any of them; empty lines are kept.
   */
  private static void appendData(StringBuilder out, String data) {
    int lineStart = 0;
    int length = data.length();
    for (int i = 0; i < length; i++) {
      char c = data.charAt(i);
      if (c == '\r' || c == '\n') {
        out.append("data: ").append(data, lineStart, i).append('\n');
        if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
          i++;
        }
        lineStart = i + 1;
      }
    }
    out.append("data: ").append(data, lineStart, length).append('\n');
  }
}
