package dev.herald.core;

import java.nio.charset.StandardCharsets;

/**
 * The Mercure discovery {@code Link} field value (RFC 8288) that hands a subscriber the hub and the
 * position to subscribe from: {@code <hub>; rel="mercure"; last-event-id="urn:uuid:…"}. An
 * application sends it with the state it loaded after reading the position, and the page resumes
 * from it, so an update made in between is neither lost nor needs reconciling by hand.
 *
 * <p>An id of printable ASCII goes in a quoted string ({@code "} and {@code \} escaped); any other
 * id goes in the RFC 8187 form {@code last-event-id*=UTF-8''…}, percent-encoded, because a field
 * value carries only ASCII safely. Stateless; safe from any thread.
 */
public final class DiscoveryLink {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private DiscoveryLink() {}

  /**
   * @param hubUrl the hub's URL as the subscriber reaches it (absolute, or relative to the
   *     response's own URL)
   * @param lastEventId the hub's position, or null for a link without one
   * @throws IllegalArgumentException if {@code hubUrl} holds a character a URI reference cannot
   */
  public static String of(String hubUrl, String lastEventId) {
    for (int i = 0; i < hubUrl.length(); i++) {
      char c = hubUrl.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"') {
        throw new IllegalArgumentException(
            "hub URL: " + hubUrl + " (expected: a URI reference, without spaces or '<>\"')");
      }
    }
    StringBuilder link = new StringBuilder(hubUrl.length() + 80);
    link.append('<').append(hubUrl).append(">; rel=\"mercure\"");
    if (lastEventId != null) {
      appendLastEventId(link, lastEventId);
    }
    return link.toString();
  }

  private static void appendLastEventId(StringBuilder link, String id) {
    if (printableAscii(id)) {
      link.append("; last-event-id=\"");
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c == '"' || c == '\\') {
          link.append('\\');
        }
        link.append(c);
      }
      link.append('"');
      return;
    }
    link.append("; last-event-id*=UTF-8''");
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      // RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; everything else percent-encoded.
      if (Character.isLetterOrDigit(c) && c < 0x80 || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        link.append((char) c);
      } else {
        link.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
  }

  private static boolean printableAscii(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
