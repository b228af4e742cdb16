package dev.herald.store;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.sse.SseFrame;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Turns events into rows of the {@code events} table and back. Stateless; safe from any thread. */
final class EventRows {

  static final String INSERT =
      "INSERT INTO events (seq, id, topics, data, private, type, retry, published_at, size)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  static final String SELECT_RANGE =
      "SELECT seq, id, topics, data, private, type, retry FROM events"
          + " WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";

  private EventRows() {}

  /**
   * Binds the event to {@link #INSERT}.
   *
   * @return the bytes it counts for {@code --history-max-bytes}: its SSE frame plus its topics
   */
  static long bindInsert(PreparedStatement insert, Event event, long publishedAtMillis)
      throws SQLException {
    Update update = event.update();
    String topics = encodeTopics(update.topics());
    long size = event.frame().length + utf8Length(topics);
    insert.setLong(1, event.sequence());
    insert.setString(2, update.id());
    insert.setString(3, topics);
    insert.setString(4, update.data());
    insert.setInt(5, update.isPrivate() ? 1 : 0);
    if (update.type() == null) {
      insert.setNull(6, Types.VARCHAR);
    } else {
      insert.setString(6, update.type());
    }
    if (update.retry() == null) {
      insert.setNull(7, Types.INTEGER);
    } else {
      insert.setLong(7, update.retry());
    }
    insert.setLong(8, publishedAtMillis);
    insert.setLong(9, size);
    return size;
  }

  /** The event of the current row of a {@link #SELECT_RANGE} result, its frame encoded again. */
  static Event toEvent(ResultSet row) throws SQLException {
    long sequence = row.getLong(1);
    String id = row.getString(2);
    List<String> topics = decodeTopics(row.getString(3));
    String data = row.getString(4);
    boolean isPrivate = row.getInt(5) != 0;
    String type = row.getString(6);
    long retry = row.getLong(7);
    Long retryOrNull = row.wasNull() ? null : retry;
    Update update = new Update(topics, data, isPrivate, id, type, retryOrNull);
    return new Event(sequence, update, SseFrame.encode(update));
  }

  /**
   * Topics as one line each, readable with the sqlite3 shell; a backslash or a line break inside a
   * topic is escaped so that any topic survives the round trip.
   */
  static String encodeTopics(List<String> topics) {
    if (topics.size() == 1 && !needsEscape(topics.get(0))) {
      return topics.get(0);
    }
    StringBuilder out = new StringBuilder();
    for (String topic : topics) {
      if (out.length() > 0) {
        out.append('\n');
      }
      for (int i = 0; i < topic.length(); i++) {
        char c = topic.charAt(i);
        if (c == '\\') {
          out.append("\\\\");
        } else if (c == '\n') {
          out.append("\\n");
        } else {
          out.append(c);
        }
      }
    }
    return out.toString();
  }

  static List<String> decodeTopics(String encoded) {
    if (!needsEscape(encoded)) {
      return List.of(encoded);
    }
    List<String> topics = new ArrayList<>(2);
    StringBuilder topic = new StringBuilder();
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '\n') {
        topics.add(topic.toString());
        topic.setLength(0);
      } else if (c == '\\' && i + 1 < encoded.length()) {
        char escaped = encoded.charAt(++i);
        topic.append(escaped == 'n' ? '\n' : escaped);
      } else {
        topic.append(c);
      }
    }
    topics.add(topic.toString());
    return topics;
  }

  private static boolean needsEscape(String text) {
    return text.indexOf('\n') >= 0 || text.indexOf('\\') >= 0;
  }

  /** The UTF-8 length without encoding: what the column holds, counted cheaply. */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1; // a lone surrogate is written as '?'
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
