package dev.herald.server.http;

import dev.herald.core.HubException;
import dev.herald.core.PublishForm;
import dev.herald.core.PublishRules;
import dev.herald.core.Update;
import dev.herald.core.topic.TopicText;
import dev.herald.core.topic.urlpattern.WhatwgUrl;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mercure draft-08 publish rules ("Publication"): {@link Update}'s own (which are draft-07's), plus
 * no control or format characters in topics, ids and types; no topic {@code *} and none inside the
 * hub's reserved namespace (the hub URL's path and below, after resolution and normalization); no
 * {@code type} {@code mercure}; a {@code retry} of ASCII digits only.
 *
 * <p>Immutable; safe from any thread.
 */
final class Draft08PublishRules implements PublishRules {

  /** The event type the hub gives its own subscription events. */
  static final String RESERVED_TYPE = Draft08Subscriptions.EVENT_TYPE;

  private final String hubUrl;
  private final WhatwgUrl hub;
  private final String reservedPath;

  /**
   * @param hubUrl the hub's URL (such as {@code https://example.com/.well-known/mercure}), whose
   *     path subtree is reserved for the hub
   * @throws IllegalArgumentException if {@code hubUrl} is not an absolute URL
   */
  Draft08PublishRules(String hubUrl) {
    this.hubUrl = hubUrl;
    this.hub =
        WhatwgUrl.parse(hubUrl, (WhatwgUrl) null)
            .filter(url -> !url.hostname().isEmpty())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "hub URL: "
                            + hubUrl
                            + " (expected: an absolute URL such as "
                            + "https://example.com/.well-known/mercure)"));
    this.reservedPath = normalizedPath(hub);
  }

  @Override
  public Update toUpdate(Map<String, List<String>> form) {
    PublishForm fields = PublishForm.of(form);
    for (String topic : fields.topics()) {
      checkTopic(topic);
    }
    if (fields.id() != null) {
      checkCharacters("id", fields.id());
    }
    if (fields.type() != null) {
      checkCharacters("type", fields.type());
      if (fields.type().equals(RESERVED_TYPE)) {
        throw HubException.badRequest(
            "type: mercure (expected: another event type; mercure is reserved for the hub's own "
                + "events)");
      }
    }
    return fields.toUpdate(parseRetry(fields.retry()));
  }

  private void checkTopic(String topic) {
    if (topic.isEmpty()) {
      // Resolved, it would name the hub itself; say what is really wrong.
      throw HubException.badRequest("topic: empty (expected: a non-empty IRI)");
    }
    checkCharacters("topic", topic);
    if (topic.equals("*")) {
      throw HubException.badRequest(
          "topic: * (expected: a topic other than *, which is reserved for the wildcard matcher)");
    }
    if (isInReservedNamespace(topic)) {
      throw HubException.badRequest(
          "topic: "
              + topic
              + " (expected: a topic outside "
              + reservedPath
              + ", which is reserved for the hub's own resources)");
    }
  }

  /**
   * Whether {@code topic}, resolved against the hub URL, has a path equal to the hub's or below it,
   * whatever its scheme and authority; a topic that does not parse as a URL cannot name a hub path.
   * Dot segments are removed by the parser; percent-encoded unreserved characters are decoded here,
   * so {@code /.well-known/%6Dercure} is caught too.
   */
  boolean isInReservedNamespace(String topic) {
    Optional<WhatwgUrl> url = WhatwgUrl.parse(topic, hub);
    if (url.isEmpty() || url.get().pathname().isEmpty()) {
      return false;
    }
    String path = normalizedPath(url.get());
    return path.equals(reservedPath) || path.startsWith(reservedPath + "/");
  }

  private static String normalizedPath(WhatwgUrl url) {
    String path = decodeUnreserved(url.pathname());
    // A decoded "%2E" may form a new dot segment; one more parse removes it as RFC 3986 does.
    if (!path.equals(url.pathname())) {
      path = WhatwgUrl.parse(path, url).map(WhatwgUrl::pathname).orElse(path);
    }
    return path;
  }

  /** RFC 3986 section 6.2.2.2: %41 becomes A, %7E becomes ~; other octets stay encoded. */
  static String decodeUnreserved(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' && i + 2 < path.length()) {
        int high = Character.digit(path.charAt(i + 1), 16);
        int low = Character.digit(path.charAt(i + 2), 16);
        if (high >= 0 && low >= 0 && isUnreserved((char) (high * 16 + low))) {
          out.append((char) (high * 16 + low));
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static void checkCharacters(String field, String value) {
    String forbidden = TopicText.forbiddenCharacter(value);
    if (forbidden != null) {
      throw HubException.badRequest(
          field + ": " + forbidden + " (expected: no control or format characters)");
    }
  }

  private static Long parseRetry(String retry) {
    if (retry == null) {
      return null;
    }
    boolean digits = !retry.isEmpty();
    for (int i = 0; digits && i < retry.length(); i++) {
      digits = retry.charAt(i) >= '0' && retry.charAt(i) <= '9';
    }
    if (!digits) {
      throw HubException.badRequest(
          "retry: '"
              + PublishForm.quotable(retry)
              + "' (expected: ASCII digits, a number of milliseconds)");
    }
    try {
      return Long.parseLong(retry);
    } catch (NumberFormatException tooLarge) {
      throw HubException.badRequest(
          "retry: " + retry + " (expected: at most " + Long.MAX_VALUE + " milliseconds)");
    }
  }

  @Override
  public String toString() {
    return "draft-08 publish rules for " + hubUrl;
  }
}
