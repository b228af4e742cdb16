package dev.herald.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code Link} fields (RFC 8288): several links per field and several fields, parameters as
 * tokens or quoted strings (with {@code \} escapes), {@code rel} as a space-separated list, and the
 * RFC 8187 form {@code name*=UTF-8''%…} preferred over the plain one. Lenient where the RFC lets a
 * parser be: a malformed link is skipped, never a reason to fail the others. Stateless; safe from
 * any thread.
 */
public final class LinkHeader {

  /**
   * One link of a {@code Link} header.
   *
   * @param target the link's target as written, without its angle brackets
   * @param params its parameters, names lower-cased
   */
  public record Link(String target, Map<String, String> params) {

    /** Copies the parameters: a link is immutable. */
    public Link {
      params = Map.copyOf(params);
    }

    /** Whether {@code rel} lists {@code relation} (compared case-insensitively). */
    public boolean hasRel(String relation) {
      String rel = params.get("rel");
      if (rel == null) {
        return false;
      }
      for (String each : rel.trim().split("[ \t]+")) {
        if (each.equalsIgnoreCase(relation)) {
          return true;
        }
      }
      return false;
    }
  }

  private LinkHeader() {}

  /**
   * The {@code last-event-id} of the first {@code rel="mercure"} link of these field values: the
   * hub position a Mercure publisher hands its subscribers; null when none carries one.
   */
  public static String mercureLastEventId(List<String> fieldValues) {
    for (String value : fieldValues) {
      for (Link link : parse(value)) {
        if (link.hasRel("mercure") && link.params().containsKey("last-event-id")) {
          return link.params().get("last-event-id");
        }
      }
    }
    return null;
  }

  /** The links of one field value, in order. */
  public static List<Link> parse(String value) {
    List<Link> links = new ArrayList<>();
    Cursor in = new Cursor(value);
    while (true) {
      in.skipSpaceAnd(',');
      if (in.atEnd()) {
        return links;
      }
      if (in.peek() != '<') {
        in.skipPast(',');
        continue;
      }
      int close = value.indexOf('>', in.at);
      if (close < 0) {
        return links;
      }
      String target = value.substring(in.at + 1, close);
      in.at = close + 1;
      Map<String, String> params = new LinkedHashMap<>();
      Map<String, String> extended = new LinkedHashMap<>();
      boolean ok = readParams(in, params, extended);
      if (ok) {
        params.putAll(extended); // name* wins over name (RFC 8288, section 3)
        links.add(new Link(target, params));
      }
    }
  }

  /** Reads {@code ; name[=value]} pairs up to the next link; false if the link is malformed. */
  private static boolean readParams(
      Cursor in, Map<String, String> params, Map<String, String> extended) {
    while (true) {
      in.skipSpace();
      if (in.atEnd() || in.peek() == ',') {
        return true;
      }
      if (in.peek() != ';') {
        in.skipPast(',');
        return false;
      }
      in.at++;
      in.skipSpace();
      String name = in.token().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        in.skipPast(',');
        return false;
      }
      in.skipSpace();
      String paramValue = "";
      if (!in.atEnd() && in.peek() == '=') {
        in.at++;
        in.skipSpace();
        paramValue = !in.atEnd() && in.peek() == '"' ? in.quoted() : in.token();
        if (paramValue == null) {
          return false;
        }
      }
      if (name.endsWith("*")) {
        String decoded = extValue(paramValue);
        if (decoded != null) {
          extended.putIfAbsent(name.substring(0, name.length() - 1), decoded);
        }
      } else {
        params.putIfAbsent(name, paramValue); // the first occurrence counts
      }
    }
  }

  /** RFC 8187 {@code charset'language'pct-encoded}, UTF-8 only; null if malformed. */
  private static String extValue(String value) {
    int first = value.indexOf('\'');
    int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
    if (second < 0 || !value.substring(0, first).equalsIgnoreCase("UTF-8")) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = second + 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        if (i + 2 >= value.length()) {
          return null;
        }
        int hi = Character.digit(value.charAt(i + 1), 16);
        int lo = Character.digit(value.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** A position in the field value; one per parse. */
  private static final class Cursor {
    private final String s;
    private int at;

    Cursor(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return at >= s.length();
    }

    char peek() {
      return s.charAt(at);
    }

    void skipSpace() {
      while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
        at++;
      }
    }

    void skipSpaceAnd(char also) {
      while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == also)) {
        at++;
      }
    }

    void skipPast(char c) {
      boolean quoted = false;
      while (!atEnd()) {
        char now = s.charAt(at++);
        if (quoted && now == '\\') {
          at++;
        } else if (now == '"') {
          quoted = !quoted;
        } else if (!quoted && now == c) {
          return;
        }
      }
    }

    /** Characters up to a delimiter: {@code ; , =}, space, or a quote. */
    String token() {
      int start = at;
      while (!atEnd() && ";,= \t\"".indexOf(peek()) < 0) {
        at++;
      }
      return s.substring(start, at);
    }

    /** A quoted string, unescaped; null (and the rest skipped) when it never closes. */
    String quoted() {
      StringBuilder out = new StringBuilder();
      at++; // the opening quote
      while (!atEnd()) {
        char c = s.charAt(at++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\' && !atEnd()) {
          c = s.charAt(at++);
        }
        out.append(c);
      }
      return null;
    }
  }
}
