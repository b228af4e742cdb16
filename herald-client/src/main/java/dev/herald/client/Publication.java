package dev.herald.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One update to publish: its topics (the first is canonical, the others alternates), its data, and
 * the optional id, SSE type, reconnection hint and private flag of the Mercure protocol.
 *
 * <p>The client checks only what would corrupt the request (line breaks in {@code id} or {@code
 * type}, a negative {@code retry}); the hub validates the rest and its reason comes back in a
 * {@link HeraldClientException}. Giving an {@code id} makes retries safe: the hub keeps one event
 * per id. Immutable; safe from any thread.
 *
 * @param topics the topic IRIs, at least one
 * @param data the content; may contain line breaks
 * @param id the event id, or null to let the hub generate one
 * @param type the SSE event type, or null for {@code message}
 * @param retry the reconnection delay hint in milliseconds, or null
 * @param isPrivate whether only subscribers authorized for one of the topics receive it
 */
public record Publication(
    List<String> topics, String data, String id, String type, Long retry, boolean isPrivate) {

  /** Checks the fields; see the class description. */
  public Publication {
    topics = List.copyOf(topics);
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("topics: [] (expected: at least one topic)");
    }
    data = data == null ? "" : data;
    rejectLineBreaks("id", id);
    rejectLineBreaks("type", type);
    if (retry != null && retry < 0) {
      throw new IllegalArgumentException("retry: " + retry + " (expected: >= 0 milliseconds)");
    }
  }

  /** A public update of one topic with a generated id. */
  public static Publication of(String topic, String data) {
    return new Publication(List.of(topic), data, null, null, null, false);
  }

  /** Starts a publication to {@code topic} (canonical) and any alternate topics. */
  public static Builder to(String topic, String... alternates) {
    Builder builder = new Builder();
    builder.topics.add(Objects.requireNonNull(topic, "topic"));
    builder.topics.addAll(List.of(alternates));
    return builder;
  }

  private static void rejectLineBreaks(String field, String value) {
    if (value != null
        && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0)) {
      throw new IllegalArgumentException(
          field
              + ": "
              + value.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0")
              + " (expected: no CR, LF or NUL)");
    }
  }

  /** Collects a publication's fields; not thread-safe, use from one thread. */
  public static final class Builder {
    private final List<String> topics = new ArrayList<>();
    private String data = "";
    private String id;
    private String type;
    private Long retry;
    private boolean isPrivate;

    private Builder() {}

    /** The content (default: empty). */
    public Builder data(String data) {
      this.data = data;
      return this;
    }

    /** The event id; without one the hub generates it. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** The SSE event type (default: {@code message}). */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /** The reconnection delay hint subscribers receive with the event, in milliseconds. */
    public Builder retry(long millis) {
      this.retry = millis;
      return this;
    }

    /** Only subscribers whose token allows one of the topics receive it. */
    public Builder privately() {
      this.isPrivate = true;
      return this;
    }

    /** The publication; throws {@link IllegalArgumentException} for a malformed field. */
    public Publication build() {
      return new Publication(topics, data, id, type, retry, isPrivate);
    }
  }
}
