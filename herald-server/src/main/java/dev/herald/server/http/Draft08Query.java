package dev.herald.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The draft-08 subscribe parameters: {@code match} and {@code match_<type>} topic matchers and the
 * {@code last_event_id} cursor. The whole {@code match} prefix is reserved (ASCII
 * case-insensitively): a name in it that is not exactly a supported matcher parameter is an error,
 * so a misspelt type fails loudly instead of being ignored. Values must be free of control and
 * format characters. Stateless; safe from any thread.
 */
final class Draft08Query {

  /** A matcher as the request wrote it; the dialect compiles it. */
  record Matcher(String type, String value) {}

  static final String LAST_EVENT_ID = "last_event_id";

  private Draft08Query() {}

  /** Whether the query uses a draft-08 name: one in the {@code match} namespace, or the cursor. */
  static boolean speaksDraft08(Map<String, List<String>> query) {
    for (String name : query.keySet()) {
      if (inMatchNamespace(name) || name.equals(LAST_EVENT_ID)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The matchers, in request order per parameter name.
   *
   * @param types the supported matcher type names
   * @throws IllegalArgumentException naming the bad parameter and what was expected (a 400)
   */
  static List<Matcher> matchers(
      Map<String, List<String>> query, List<String> types, int maxMatchers, int maxLength) {
    List<Matcher> matchers = new ArrayList<>();
    for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
      String name = parameter.getKey();
      if (!inMatchNamespace(name)) {
        continue;
      }
      String type =
          name.equals("match")
              ? "exact"
              : name.startsWith("match_") ? name.substring("match_".length()) : null;
      if (type == null || !types.contains(type)) {
        throw new IllegalArgumentException(
            "query parameter "
                + name
                + ": not a supported"
                + " matcher (expected: match, or match_<type> with a type of "
                + types
                + ")");
      }
      for (String value : parameter.getValue()) {
        if (value.isEmpty() || value.length() > maxLength) {
          throw new IllegalArgumentException(
              name + ": " + value.length() + " characters" + " (expected: 1 to " + maxLength + ")");
        }
        int bad = forbiddenCharacter(value);
        if (bad >= 0) {
          throw new IllegalArgumentException(
              name
                  + ": contains U+"
                  + String.format("%04X", bad)
                  + " (expected: no control or format characters)");
        }
        matchers.add(new Matcher(type, value));
      }
    }
    if (matchers.isEmpty()) {
      throw new IllegalArgumentException(
          "match: missing (expected: at least one match or" + " match_<type> query parameter)");
    }
    if (matchers.size() > maxMatchers) {
      throw new IllegalArgumentException(
          "match: " + matchers.size() + " matchers (expected: <= " + maxMatchers + ")");
    }
    return matchers;
  }

  /** {@code Last-Event-ID} (header) wins over {@code last_event_id} (query); null if neither. */
  static String lastEventId(HttpHeaders headers, Map<String, List<String>> query) {
    String header = headers.get("Last-Event-ID");
    if (header != null) {
      return header;
    }
    List<String> values = query.get(LAST_EVENT_ID);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static boolean inMatchNamespace(String name) {
    return name.length() >= 5 && name.substring(0, 5).toLowerCase(Locale.ROOT).equals("match");
  }

  /** The first C0, DEL, C1 or Unicode format (Cf) code point, or -1. */
  static int forbiddenCharacter(String value) {
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      if (c < 0x20
          || (c >= 0x7F && c <= 0x9F)
          || Character.getType(c) == Character.FORMAT
          || (c >= 0xD800 && c <= 0xDFFF)) {
        return c;
      }
      i += Character.charCount(c);
    }
    return -1;
  }
}
