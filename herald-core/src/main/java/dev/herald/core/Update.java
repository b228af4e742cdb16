package dev.herald.core;

import java.util.List;
import java.util.Map;

/**
 * One update as a publisher sent it: validated where it enters, immutable afterwards.
 *
 * <p>{@code id} is null until the hub assigns one. The first topic is canonical, the others are
 * alternates; an update matches a subscription if any of its topics does. Immutable; safe from any
 * thread.
 *
 * @param topics the topics, canonical first; at least one, none empty
 * @param data the event's data, any text ({@code ""} when absent); a line break starts another
 *     {@code data:} line
 * @param isPrivate whether only subscribers whose token grants one of the topics receive it
 * @param id the event's id (no line break, not starting with {@code #}, not {@code earliest}), or
 *     null for the hub to assign one
 * @param type the SSE {@code event:} type, or null for the default {@code message}
 * @param retry the SSE {@code retry:} reconnection delay in milliseconds, or null
 */
public record Update(
    List<String> topics, String data, boolean isPrivate, String id, String type, Long retry) {

  public Update {
    topics = List.copyOf(topics);
    if (topics.isEmpty()) {
      throw HubException.badRequest("topic: missing (expected: at least one topic parameter)");
    }
    for (String topic : topics) {
      if (topic.isEmpty()) {
        throw HubException.badRequest("topic: empty (expected: a non-empty IRI)");
      }
    }
    data = data == null ? "" : data;
    if (id != null) {
      rejectLineBreaks("id", id);
      if (id.startsWith("#")) {
        throw HubException.badRequest("id: " + id + " (expected: an IRI not starting with #)");
      }
      if (id.isEmpty() || id.equals("earliest")) {
        throw HubException.badRequest(
            "id: '" + id + "' (expected: a non-empty IRI other than the reserved 'earliest')");
      }
    }
    if (type != null) {
      rejectLineBreaks("type", type);
      if (type.isEmpty()) {
        type = null;
      }
    }
    if (retry != null && retry < 0) {
      throw HubException.badRequest("retry: " + retry + " (expected: >= 0 milliseconds)");
    }
  }

  /** A public update of one topic, the common case. */
  public static Update of(String topic, String data) {
    return new Update(List.of(topic), data, false, null, null, null);
  }

  /**
   * Builds an update from decoded {@code application/x-www-form-urlencoded} fields, the publish
   * wire format of the Mercure protocol, under no rules but this class's own ({@link
   * PublishForm#toUpdate()}): the draft-07 rules, which a stricter draft's {@link PublishRules} add
   * to.
   */
  public static Update fromForm(Map<String, List<String>> form) {
    return PublishForm.of(form).toUpdate();
  }

  /** This update with the id {@code newId}. */
  public Update withId(String newId) {
    return new Update(topics, data, isPrivate, newId, type, retry);
  }

  /** The first topic, the one the update is about; the others are alternates. */
  public String canonicalTopic() {
    return topics.get(0);
  }

  private static void rejectLineBreaks(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0') {
        // A line break would let the value inject its own SSE fields into every subscriber's
        // stream.
        throw HubException.badRequest(field + ": contains CR, LF or NUL (expected: one line)");
      }
    }
  }
}
