package dev.herald.redis;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.sse.SseFrame;
import io.lettuce.core.StreamMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns updates into the fields of a stream entry (the append script's arguments) and entries back
 * into events. Stateless; safe from any thread.
 *
 * <p>An entry holds the update's fields, not its SSE frame: each node encodes the frame once when
 * its tail reads the entry, so the stream stays readable with {@code redis-cli XRANGE}.
 */
final class StreamEntries {

  /** Arguments of the append script per update; append.lua reads them in this order. */
  static final int FIELDS = 8;

  private StreamEntries() {}

  /**
   * The script arguments of one update, appended to {@code out}.
   *
   * @param traceContext the publish's W3C {@code traceparent}, or null when it is not traced (the
   *     entry then holds no such field)
   */
  static void addFields(
      List<String> out, Update update, long publishedAtMillis, String traceContext) {
    out.add(update.id());
    out.add(encodeTopics(update.topics()));
    out.add(update.data());
    out.add(update.isPrivate() ? "1" : "0");
    // Update turns an empty type into null, so "" can stand for "none" without ambiguity.
    out.add(update.type() == null ? "" : update.type());
    out.add(update.retry() == null ? "" : Long.toString(update.retry()));
    out.add(Long.toString(publishedAtMillis));
    out.add(traceContext == null ? "" : traceContext);
  }

  /**
   * The trace context each entry was appended with (same index), or null when none has one: the
   * common case costs one map lookup per entry and allocates nothing.
   */
  static String[] traceContexts(List<StreamMessage<String, String>> entries) {
    String[] contexts = null;
    for (int i = 0; i < entries.size(); i++) {
      String context = entries.get(i).getBody().get("c");
      if (context != null) {
        if (contexts == null) {
          contexts = new String[entries.size()];
        }
        contexts[i] = context;
      }
    }
    return contexts;
  }

  /** The sequence an entry id {@code 0-<sequence>} stands for. */
  static long sequence(String entryId) {
    return Long.parseLong(entryId.substring(entryId.indexOf('-') + 1));
  }

  /** The entry id of a sequence. */
  static String entryId(long sequence) {
    return "0-" + sequence;
  }

  /**
   * The events of the entries, frames encoded again.
   *
   * @param live true for what the tail reads now: the event then carries its publish time,
   *     converted to this JVM's nano clock (approximate across machines), so the edge can measure
   *     publish-to-deliver latency; replays carry none
   */
  static List<Event> toEvents(List<StreamMessage<String, String>> entries, boolean live) {
    List<Event> events = new ArrayList<>(entries.size());
    long nowMillis = live ? System.currentTimeMillis() : 0;
    long nowNanos = live ? System.nanoTime() : 0;
    for (StreamMessage<String, String> entry : entries) {
      Map<String, String> body = entry.getBody();
      String type = body.get("y");
      String retry = body.get("r");
      Update update =
          new Update(
              decodeTopics(body.get("t")),
              body.get("d"),
              "1".equals(body.get("p")),
              body.get("i"),
              type == null || type.isEmpty() ? null : type,
              retry == null || retry.isEmpty() ? null : Long.valueOf(retry));
      long publishedNanos =
          live
              ? publishedNanos(Long.parseLong(body.getOrDefault("w", "0")), nowMillis, nowNanos)
              : 0;
      events.add(
          new Event(sequence(entry.getId()), update, SseFrame.encode(update), publishedNanos));
    }
    return events;
  }

  /**
   * An entry's publish time on this JVM's nano clock: as long before {@code nowNanos} as the
   * entry's wall-clock stamp is before {@code nowMillis} (never after it: clocks of two machines
   * may disagree). Never 0, which means "unknown" to the edge: a reading that happens to be 0 is
   * moved by 1 ns.
   */
  static long publishedNanos(long stampedMillis, long nowMillis, long nowNanos) {
    long ageMillis = Math.max(0, nowMillis - stampedMillis);
    long nanos = nowNanos - ageMillis * 1_000_000L;
    return nanos == 0 ? 1 : nanos;
  }

  /** Topics as {@code <length>:<topic>} one after another: any character may be in a topic. */
  static String encodeTopics(List<String> topics) {
    StringBuilder out = new StringBuilder();
    for (String topic : topics) {
      out.append(topic.length()).append(':').append(topic);
    }
    return out.toString();
  }

  static List<String> decodeTopics(String encoded) {
    List<String> topics = new ArrayList<>(1);
    int at = 0;
    while (at < encoded.length()) {
      int colon = encoded.indexOf(':', at);
      int length = Integer.parseInt(encoded, at, colon, 10);
      topics.add(encoded.substring(colon + 1, colon + 1 + length));
      at = colon + 1 + length;
    }
    return topics;
  }
}
