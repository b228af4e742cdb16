package dev.herald.core.topic.urlpattern;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A URL record parsed by the WHATWG URL Standard's basic URL parser, the parser URL Pattern
 * canonicalizes with, including the state overrides its encoding callbacks need.
 *
 * <p>Deliberate gaps: hosts go through {@link IDN} (IDNA 2003) rather than UTS #46, so a few exotic
 * Unicode hosts map differently from a browser; only UTF-8 is supported; validation errors that do
 * not cause failure are not reported.
 *
 * <p>Built by one thread; never modified once a public method returns it, so safe from any thread.
 */
public final class WhatwgUrl {

  static final List<String> SPECIAL_SCHEMES = List.of("ftp", "file", "http", "https", "ws", "wss");

  String scheme = "";
  String username = "";
  String password = "";
  String host; // serialized, or null
  Integer port;
  List<String> path = new ArrayList<>();
  String opaquePath; // non-null when the URL has an opaque path
  String query;
  String fragment;

  private WhatwgUrl() {}

  /** The URL {@code input} names, resolved against {@code base} (may be null), if it parses. */
  public static Optional<WhatwgUrl> parse(String input, WhatwgUrl base) {
    WhatwgUrl url = new WhatwgUrl();
    return new Parser(input, base, url, null).run() ? Optional.of(url) : Optional.empty();
  }

  /** {@link #parse} with a base given as a string, which must itself parse. */
  public static Optional<WhatwgUrl> parse(String input, String base) {
    if (base == null) {
      return parse(input, (WhatwgUrl) null);
    }
    return parse(base, (WhatwgUrl) null).flatMap(b -> parse(input, b));
  }

  public String scheme() {
    return scheme;
  }

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  /** The serialized host, or the empty string when the URL has none. */
  public String hostname() {
    return host == null ? "" : host;
  }

  /** The port, or the empty string when absent or the scheme's default. */
  public String port() {
    return port == null ? "" : port.toString();
  }

  /** The path, serialized: dot segments removed, characters percent-encoded. */
  public String pathname() {
    if (opaquePath != null) {
      return opaquePath;
    }
    StringBuilder out = new StringBuilder();
    for (String segment : path) {
      out.append('/').append(segment);
    }
    return out.toString();
  }

  /** The query without its {@code ?}, or the empty string when absent. */
  public String search() {
    return query == null ? "" : query;
  }

  /** The fragment without its {@code #}, or the empty string when absent. */
  public String hash() {
    return fragment == null ? "" : fragment;
  }

  boolean isSpecial() {
    return SPECIAL_SCHEMES.contains(scheme);
  }

  boolean hasOpaquePath() {
    return opaquePath != null;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(scheme).append(':');
    if (host != null) {
      out.append("//");
      if (!username.isEmpty() || !password.isEmpty()) {
        out.append(username);
        if (!password.isEmpty()) {
          out.append(':').append(password);
        }
        out.append('@');
      }
      out.append(host);
      if (port != null) {
        out.append(':').append(port);
      }
    } else if (opaquePath == null && path.size() > 1 && path.get(0).isEmpty()) {
      out.append("/.");
    }
    out.append(pathname());
    if (query != null) {
      out.append('?').append(query);
    }
    if (fragment != null) {
      out.append('#').append(fragment);
    }
    return out.toString();
  }

  // ---- the encoding callbacks' helpers (URL Pattern "canonicalize a ...") ----

  /** {@code text} with each lone surrogate replaced by U+FFFD, as a Web IDL USVString is. */
  static String scalarValues(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      if (paired) {
        if (out != null) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  static WhatwgUrl dummy() {
    return parse("https://dummy.invalid/", (WhatwgUrl) null).orElseThrow();
  }

  /** Runs the basic URL parser on {@code input} over {@code url}, from {@code state}. */
  static boolean parseWithOverride(String input, WhatwgUrl url, State state) {
    return new Parser(input, null, url, state).run();
  }

  static Integer defaultPort(String scheme) {
    return switch (scheme) {
      case "ftp" -> 21;
      case "http", "ws" -> 80;
      case "https", "wss" -> 443;
      default -> null;
    };
  }

  enum State {
    SCHEME_START,
    SCHEME,
    NO_SCHEME,
    SPECIAL_RELATIVE_OR_AUTHORITY,
    PATH_OR_AUTHORITY,
    RELATIVE,
    RELATIVE_SLASH,
    SPECIAL_AUTHORITY_SLASHES,
    SPECIAL_AUTHORITY_IGNORE_SLASHES,
    AUTHORITY,
    HOST,
    HOSTNAME,
    PORT,
    FILE,
    FILE_SLASH,
    FILE_HOST,
    PATH_START,
    PATH,
    OPAQUE_PATH,
    QUERY,
    FRAGMENT
  }

  // ---- percent-encode sets ----

  enum EncodeSet {
    C0_CONTROL,
    FRAGMENT,
    QUERY,
    SPECIAL_QUERY,
    PATH,
    USERINFO,
    COMPONENT;

    boolean contains(int c) {
      if (c < 0x20 || c > 0x7E) {
        return true;
      }
      return switch (this) {
        case C0_CONTROL -> false;
        case FRAGMENT -> c == ' ' || c == '"' || c == '<' || c == '>' || c == '`';
        case QUERY -> isQuery(c);
        case SPECIAL_QUERY -> isQuery(c) || c == '\'';
        case PATH -> isPath(c);
        case USERINFO -> isUserinfo(c);
        case COMPONENT -> isUserinfo(c) || (c >= '$' && c <= '&') || c == '+' || c == ',';
      };
    }

    private static boolean isQuery(int c) {
      return c == ' ' || c == '"' || c == '#' || c == '<' || c == '>';
    }

    private static boolean isPath(int c) {
      return isQuery(c) || c == '?' || c == '^' || c == '`' || c == '{' || c == '}';
    }

    private static boolean isUserinfo(int c) {
      return isPath(c)
          || c == '/'
          || c == ':'
          || c == ';'
          || c == '='
          || c == '@'
          || (c >= '[' && c <= '^')
          || c == '|';
    }
  }

  static String percentEncode(String input, EncodeSet set) {
    StringBuilder out = new StringBuilder(input.length());
    input.codePoints().forEach(c -> percentEncode(out, c, set));
    return out.toString();
  }

  static void percentEncode(StringBuilder out, int c, EncodeSet set) {
    if (!set.contains(c)) {
      out.appendCodePoint(c);
      return;
    }
    for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
      out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)));
      out.append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
    }
  }

  static byte[] percentDecode(String input) {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[bytes.length];
    int n = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
        out[n++] =
            (byte) Integer.parseInt(new String(bytes, i + 1, 2, StandardCharsets.US_ASCII), 16);
        i += 2;
      } else {
        out[n++] = b;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  // ---- host parsing ----

  /** The serialized host for {@code input}, or null on failure. */
  static String parseHost(String input, boolean isOpaque) {
    if (input.startsWith("[")) {
      if (!input.endsWith("]") || input.length() < 2) {
        return null;
      }
      int[] address = parseIpv6(input.substring(1, input.length() - 1));
      return address == null ? null : "[" + serializeIpv6(address) + "]";
    }
    if (isOpaque) {
      for (int i = 0; i < input.length(); i++) {
        if (isForbiddenHost(input.charAt(i))) {
          return null;
        }
      }
      return percentEncode(input, EncodeSet.C0_CONTROL);
    }
    String domain = new String(percentDecode(input), StandardCharsets.UTF_8);
    String ascii = domainToAscii(domain);
    if (ascii == null || ascii.isEmpty()) {
      return null;
    }
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      if (isForbiddenHost(c) || c <= 0x1F || c == '%' || c == 0x7F) {
        return null;
      }
    }
    if (endsInANumber(ascii)) {
      Long ipv4 = parseIpv4(ascii);
      return ipv4 == null ? null : serializeIpv4(ipv4);
    }
    return ascii;
  }

  private static boolean isForbiddenHost(int c) {
    return switch (c) {
      case 0, '\t', '\n', '\r', ' ', '#', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|' ->
          true;
      default -> false;
    };
  }

  private static String domainToAscii(String domain) {
    boolean ascii = domain.chars().allMatch(c -> c < 0x80);
    String lower = domain.toLowerCase(Locale.ROOT);
    if (ascii && !lower.startsWith("xn--") && !lower.contains(".xn--")) {
      return lower;
    }
    try {
      // IDNA 2003 with lowercasing approximates UTS #46 non-transitional processing.
      return IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException invalid) {
      return null;
    }
  }

  private static boolean endsInANumber(String input) {
    List<String> parts = new ArrayList<>(List.of(input.split("\\.", -1)));
    if (parts.get(parts.size() - 1).isEmpty()) {
      if (parts.size() == 1) {
        return false;
      }
      parts.remove(parts.size() - 1);
    }
    String last = parts.get(parts.size() - 1);
    if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    return parseIpv4Number(last) != null;
  }

  private static Long parseIpv4(String input) {
    List<String> parts = new ArrayList<>(List.of(input.split("\\.", -1)));
    if (parts.get(parts.size() - 1).isEmpty() && parts.size() > 1) {
      parts.remove(parts.size() - 1);
    }
    if (parts.size() > 4) {
      return null;
    }
    long[] numbers = new long[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      Long n = parseIpv4Number(parts.get(i));
      if (n == null) {
        return null;
      }
      numbers[i] = n;
    }
    for (int i = 0; i < numbers.length - 1; i++) {
      if (numbers[i] > 255) {
        return null;
      }
    }
    long last = numbers[numbers.length - 1];
    if (last >= (1L << (8 * (5 - numbers.length)))) {
      return null;
    }
    long ipv4 = last;
    for (int i = 0; i < numbers.length - 1; i++) {
      ipv4 += numbers[i] << (8 * (3 - i));
    }
    return ipv4;
  }

  /** An IPv4 part in decimal, octal or hex; null on failure; saturates far above 2^32. */
  private static Long parseIpv4Number(String input) {
    if (input.isEmpty()) {
      return null;
    }
    int radix = 10;
    if (input.startsWith("0x") || input.startsWith("0X")) {
      input = input.substring(2);
      radix = 16;
    } else if (input.length() >= 2 && input.charAt(0) == '0') {
      input = input.substring(1);
      radix = 8;
    }
    if (input.isEmpty()) {
      return 0L;
    }
    long value = 0;
    for (int i = 0; i < input.length(); i++) {
      int digit = Character.digit(input.charAt(i), radix);
      if (digit < 0 || input.charAt(i) > 0x7F) {
        return null;
      }
      value = Math.min(value * radix + digit, 1L << 40);
    }
    return value;
  }

  private static String serializeIpv4(long address) {
    return ((address >> 24) & 0xFF)
        + "."
        + ((address >> 16) & 0xFF)
        + "."
        + ((address >> 8) & 0xFF)
        + "."
        + (address & 0xFF);
  }

  private static int[] parseIpv6(String input) {
    int[] address = new int[8];
    int pieceIndex = 0;
    int compress = -1;
    int p = 0;
    int n = input.length();
    if (p < n && input.charAt(p) == ':') {
      if (p + 1 >= n || input.charAt(p + 1) != ':') {
        return null;
      }
      p += 2;
      compress = ++pieceIndex;
    }
    while (p < n) {
      if (pieceIndex == 8) {
        return null;
      }
      if (input.charAt(p) == ':') {
        if (compress != -1) {
          return null;
        }
        p++;
        compress = ++pieceIndex;
        continue;
      }
      int value = 0;
      int length = 0;
      while (length < 4 && p < n && isHex(input.charAt(p))) {
        value = value * 16 + Character.digit(input.charAt(p), 16);
        p++;
        length++;
      }
      if (p < n && input.charAt(p) == '.') {
        if (length == 0) {
          return null;
        }
        p -= length;
        if (pieceIndex > 6) {
          return null;
        }
        int numbersSeen = 0;
        while (p < n) {
          int ipv4Piece = -1;
          if (numbersSeen > 0) {
            if (input.charAt(p) == '.' && numbersSeen < 4) {
              p++;
            } else {
              return null;
            }
          }
          if (p >= n || !Character.isDigit(input.charAt(p)) || input.charAt(p) > '9') {
            return null;
          }
          while (p < n && input.charAt(p) >= '0' && input.charAt(p) <= '9') {
            int number = input.charAt(p) - '0';
            if (ipv4Piece == -1) {
              ipv4Piece = number;
            } else if (ipv4Piece == 0) {
              return null;
            } else {
              ipv4Piece = ipv4Piece * 10 + number;
            }
            if (ipv4Piece > 255) {
              return null;
            }
            p++;
          }
          address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
          numbersSeen++;
          if (numbersSeen == 2 || numbersSeen == 4) {
            pieceIndex++;
          }
        }
        if (numbersSeen != 4) {
          return null;
        }
        break;
      } else if (p < n && input.charAt(p) == ':') {
        p++;
        if (p >= n) {
          return null;
        }
      } else if (p < n) {
        return null;
      }
      address[pieceIndex] = value;
      pieceIndex++;
    }
    if (compress != -1) {
      int swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex != 0 && swaps > 0) {
        int swap = address[pieceIndex];
        address[pieceIndex] = address[compress + swaps - 1];
        address[compress + swaps - 1] = swap;
        pieceIndex--;
        swaps--;
      }
    } else if (pieceIndex != 8) {
      return null;
    }
    return address;
  }

  private static String serializeIpv6(int[] address) {
    int compress = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (address[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && address[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestLength = i - start;
        compress = start;
      }
    }
    StringBuilder out = new StringBuilder();
    boolean ignore0 = false;
    for (int i = 0; i < 8; i++) {
      if (ignore0 && address[i] == 0) {
        continue;
      }
      ignore0 = false;
      if (compress == i) {
        out.append(i == 0 ? "::" : ":");
        ignore0 = true;
        continue;
      }
      out.append(Integer.toHexString(address[i]));
      if (i != 7) {
        out.append(':');
      }
    }
    return out.toString();
  }

  // ---- the basic URL parser ----

  /** One run of the state machine over one input. */
  private static final class Parser {
    private static final int EOF = -1;

    private final int[] input;
    private final WhatwgUrl base;
    private final WhatwgUrl url;
    private final State override;
    private State state;
    private final StringBuilder buffer = new StringBuilder();
    private boolean atSignSeen;
    private boolean insideBrackets;
    private boolean passwordTokenSeen;
    private int pointer;

    Parser(String raw, WhatwgUrl base, WhatwgUrl url, State override) {
      String text = scalarValues(raw);
      if (override == null) {
        text = trimC0AndSpace(text);
      }
      this.input = text.codePoints().filter(c -> c != '\t' && c != '\n' && c != '\r').toArray();
      this.base = base;
      this.url = url;
      this.override = override;
      this.state = override == null ? State.SCHEME_START : override;
    }

    private static String trimC0AndSpace(String text) {
      int start = 0;
      int end = text.length();
      while (start < end && text.charAt(start) <= 0x20) {
        start++;
      }
      while (end > start && text.charAt(end - 1) <= 0x20) {
        end--;
      }
      return text.substring(start, end);
    }

    private int at(int i) {
      return i >= 0 && i < input.length ? input[i] : EOF;
    }

    private boolean remainingStartsWith(char c) {
      return at(pointer + 1) == c;
    }

    /** Whether the URL parsed; false is the standard's "failure". */
    boolean run() {
      while (true) {
        Boolean done = step(at(pointer));
        if (done != null) {
          return done;
        }
        // A step at the end may move the pointer back, as the host state does after authority.
        if (pointer >= input.length) {
          return true;
        }
        pointer++;
      }
    }

    /** One step; null to go on, true to stop successfully, false on failure. */
    private Boolean step(int c) {
      switch (state) {
        case SCHEME_START -> {
          if (isAsciiAlpha(c)) {
            buffer.appendCodePoint(Character.toLowerCase(c));
            state = State.SCHEME;
          } else if (override == null) {
            state = State.NO_SCHEME;
            pointer--;
          } else {
            return false;
          }
        }
        case SCHEME -> {
          if (isAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
            buffer.appendCodePoint(Character.toLowerCase(c));
          } else if (c == ':') {
            url.scheme = buffer.toString();
            buffer.setLength(0);
            if (url.scheme.equals("file")) {
              state = State.FILE;
            } else if (url.isSpecial() && base != null && base.scheme.equals(url.scheme)) {
              state = State.SPECIAL_RELATIVE_OR_AUTHORITY;
            } else if (url.isSpecial()) {
              state = State.SPECIAL_AUTHORITY_SLASHES;
            } else if (remainingStartsWith('/')) {
              state = State.PATH_OR_AUTHORITY;
              pointer++;
            } else {
              url.opaquePath = "";
              state = State.OPAQUE_PATH;
            }
          } else if (override == null) {
            buffer.setLength(0);
            state = State.NO_SCHEME;
            pointer = -1;
          } else {
            return false;
          }
        }
        case NO_SCHEME -> {
          if (base == null || (base.hasOpaquePath() && c != '#')) {
            return false;
          } else if (base.hasOpaquePath()) {
            url.scheme = base.scheme;
            url.opaquePath = base.opaquePath;
            url.query = base.query;
            url.fragment = "";
            state = State.FRAGMENT;
          } else {
            state = base.scheme.equals("file") ? State.FILE : State.RELATIVE;
            pointer--;
          }
        }
        case SPECIAL_RELATIVE_OR_AUTHORITY -> {
          if (c == '/' && remainingStartsWith('/')) {
            state = State.SPECIAL_AUTHORITY_IGNORE_SLASHES;
            pointer++;
          } else {
            state = State.RELATIVE;
            pointer--;
          }
        }
        case PATH_OR_AUTHORITY -> {
          if (c == '/') {
            state = State.AUTHORITY;
          } else {
            state = State.PATH;
            pointer--;
          }
        }
        case RELATIVE -> {
          url.scheme = base.scheme;
          if (c == '/' || (url.isSpecial() && c == '\\')) {
            state = State.RELATIVE_SLASH;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            url.path = new ArrayList<>(base.path);
            url.query = base.query;
            if (c == '?') {
              url.query = "";
              state = State.QUERY;
            } else if (c == '#') {
              url.fragment = "";
              state = State.FRAGMENT;
            } else if (c != EOF) {
              url.query = null;
              shortenPath();
              state = State.PATH;
              pointer--;
            }
          }
        }
        case RELATIVE_SLASH -> {
          if (url.isSpecial() && (c == '/' || c == '\\')) {
            state = State.SPECIAL_AUTHORITY_IGNORE_SLASHES;
          } else if (c == '/') {
            state = State.AUTHORITY;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            state = State.PATH;
            pointer--;
          }
        }
        case SPECIAL_AUTHORITY_SLASHES -> {
          state = State.SPECIAL_AUTHORITY_IGNORE_SLASHES;
          if (c == '/' && remainingStartsWith('/')) {
            pointer++;
          } else {
            pointer--;
          }
        }
        case SPECIAL_AUTHORITY_IGNORE_SLASHES -> {
          if (c != '/' && c != '\\') {
            state = State.AUTHORITY;
            pointer--;
          }
        }
        case AUTHORITY -> {
          if (c == '@') {
            if (atSignSeen) {
              buffer.insert(0, "%40");
            }
            atSignSeen = true;
            StringBuilder user = new StringBuilder(url.username);
            StringBuilder pass = new StringBuilder(url.password);
            buffer
                .codePoints()
                .forEach(
                    cp -> {
                      if (cp == ':' && !passwordTokenSeen) {
                        passwordTokenSeen = true;
                      } else {
                        percentEncode(passwordTokenSeen ? pass : user, cp, EncodeSet.USERINFO);
                      }
                    });
            url.username = user.toString();
            url.password = pass.toString();
            buffer.setLength(0);
          } else if (c == EOF
              || c == '/'
              || c == '?'
              || c == '#'
              || (url.isSpecial() && c == '\\')) {
            if (atSignSeen && buffer.length() == 0) {
              return false;
            }
            pointer -= buffer.codePointCount(0, buffer.length()) + 1;
            buffer.setLength(0);
            state = State.HOST;
          } else {
            buffer.appendCodePoint(c);
          }
        }
        case HOST, HOSTNAME -> {
          if (override != null && url.scheme.equals("file")) {
            pointer--;
            state = State.FILE_HOST;
          } else if (c == ':' && !insideBrackets) {
            if (buffer.length() == 0 || override == State.HOSTNAME) {
              return false;
            }
            String host = parseHost(buffer.toString(), !url.isSpecial());
            if (host == null) {
              return false;
            }
            url.host = host;
            buffer.setLength(0);
            state = State.PORT;
          } else if (c == EOF
              || c == '/'
              || c == '?'
              || c == '#'
              || (url.isSpecial() && c == '\\')) {
            pointer--;
            if (url.isSpecial() && buffer.length() == 0) {
              return false;
            }
            if (override != null
                && buffer.length() == 0
                && (!url.username.isEmpty() || !url.password.isEmpty() || url.port != null)) {
              return false;
            }
            String host = parseHost(buffer.toString(), !url.isSpecial());
            if (host == null) {
              return false;
            }
            url.host = host;
            buffer.setLength(0);
            state = State.PATH_START;
            if (override != null) {
              return true;
            }
          } else {
            if (c == '[') {
              insideBrackets = true;
            } else if (c == ']') {
              insideBrackets = false;
            }
            buffer.appendCodePoint(c);
          }
        }
        case PORT -> {
          if (c >= '0' && c <= '9') {
            buffer.appendCodePoint(c);
          } else if (c == EOF
              || c == '/'
              || c == '?'
              || c == '#'
              || (url.isSpecial() && c == '\\')
              || override != null) {
            if (buffer.length() != 0) {
              if (buffer.length() > 5 || Integer.parseInt(buffer.toString()) > 65535) {
                return false;
              }
              int port = Integer.parseInt(buffer.toString());
              url.port = Integer.valueOf(port).equals(defaultPort(url.scheme)) ? null : port;
              buffer.setLength(0);
            } else if (override != null) {
              return false;
            }
            if (override != null) {
              // As the port setter does: the digits before anything else, "80x" being 80.
              return true;
            }
            state = State.PATH_START;
            pointer--;
          } else {
            return false;
          }
        }
        case FILE -> {
          url.scheme = "file";
          url.host = "";
          if (c == '/' || c == '\\') {
            state = State.FILE_SLASH;
          } else if (base != null && base.scheme.equals("file")) {
            url.host = base.host;
            url.path = new ArrayList<>(base.path);
            url.query = base.query;
            if (c == '?') {
              url.query = "";
              state = State.QUERY;
            } else if (c == '#') {
              url.fragment = "";
              state = State.FRAGMENT;
            } else if (c != EOF) {
              url.query = null;
              if (!startsWithWindowsDriveLetter(pointer)) {
                shortenPath();
              } else {
                url.path = new ArrayList<>();
              }
              state = State.PATH;
              pointer--;
            }
          } else {
            state = State.PATH;
            pointer--;
          }
        }
        case FILE_SLASH -> {
          if (c == '/' || c == '\\') {
            state = State.FILE_HOST;
          } else {
            if (base != null && base.scheme.equals("file")) {
              url.host = base.host;
              if (!startsWithWindowsDriveLetter(pointer)
                  && !base.path.isEmpty()
                  && isNormalizedWindowsDriveLetter(base.path.get(0))) {
                url.path.add(base.path.get(0));
              }
            }
            state = State.PATH;
            pointer--;
          }
        }
        case FILE_HOST -> {
          if (c == EOF || c == '/' || c == '\\' || c == '?' || c == '#') {
            pointer--;
            if (override == null && isWindowsDriveLetter(buffer.toString())) {
              state = State.PATH;
            } else if (buffer.length() == 0) {
              url.host = "";
              if (override != null) {
                return true;
              }
              state = State.PATH_START;
            } else {
              String host = parseHost(buffer.toString(), !url.isSpecial());
              if (host == null) {
                return false;
              }
              url.host = host.equals("localhost") ? "" : host;
              if (override != null) {
                return true;
              }
              buffer.setLength(0);
              state = State.PATH_START;
            }
          } else {
            buffer.appendCodePoint(c);
          }
        }
        case PATH_START -> {
          if (url.isSpecial()) {
            state = State.PATH;
            if (c != '/' && c != '\\') {
              pointer--;
            }
          } else if (override == null && c == '?') {
            url.query = "";
            state = State.QUERY;
          } else if (override == null && c == '#') {
            url.fragment = "";
            state = State.FRAGMENT;
          } else if (c != EOF) {
            state = State.PATH;
            if (c != '/') {
              pointer--;
            }
          } else if (override != null && url.host == null) {
            url.path.add("");
          }
        }
        case PATH -> {
          boolean slash = c == '/' || (url.isSpecial() && c == '\\');
          if (c == EOF || slash || (override == null && (c == '?' || c == '#'))) {
            String segment = buffer.toString();
            if (isDoubleDot(segment)) {
              shortenPath();
              if (!slash) {
                url.path.add("");
              }
            } else if (isSingleDot(segment) && !slash) {
              url.path.add("");
            } else if (!isSingleDot(segment)) {
              if (url.scheme.equals("file")
                  && url.path.isEmpty()
                  && isWindowsDriveLetter(segment)) {
                segment = segment.charAt(0) + ":";
              }
              url.path.add(segment);
            }
            buffer.setLength(0);
            if (c == '?') {
              url.query = "";
              state = State.QUERY;
            } else if (c == '#') {
              url.fragment = "";
              state = State.FRAGMENT;
            }
          } else {
            percentEncode(buffer, c, EncodeSet.PATH);
          }
        }
        case OPAQUE_PATH -> {
          if (c == '?') {
            url.query = "";
            state = State.QUERY;
          } else if (c == '#') {
            url.fragment = "";
            state = State.FRAGMENT;
          } else if (c != EOF) {
            StringBuilder path = new StringBuilder(url.opaquePath);
            percentEncode(path, c, EncodeSet.C0_CONTROL);
            url.opaquePath = path.toString();
          }
        }
        case QUERY -> {
          if ((override == null && c == '#') || c == EOF) {
            url.query =
                url.query
                    + percentEncode(
                        buffer.toString(),
                        url.isSpecial() ? EncodeSet.SPECIAL_QUERY : EncodeSet.QUERY);
            buffer.setLength(0);
            if (c == '#') {
              url.fragment = "";
              state = State.FRAGMENT;
            }
          } else {
            buffer.appendCodePoint(c);
          }
        }
        case FRAGMENT -> {
          if (c != EOF) {
            StringBuilder fragment = new StringBuilder(url.fragment);
            percentEncode(fragment, c, EncodeSet.FRAGMENT);
            url.fragment = fragment.toString();
          }
        }
      }
      return null;
    }

    private void shortenPath() {
      if (url.scheme.equals("file")
          && url.path.size() == 1
          && isNormalizedWindowsDriveLetter(url.path.get(0))) {
        return;
      }
      if (!url.path.isEmpty()) {
        url.path.remove(url.path.size() - 1);
      }
    }

    private boolean startsWithWindowsDriveLetter(int from) {
      int remaining = input.length - from;
      if (remaining < 2
          || !isAsciiAlpha(at(from))
          || (at(from + 1) != ':' && at(from + 1) != '|')) {
        return false;
      }
      int next = at(from + 2);
      return remaining == 2 || next == '/' || next == '\\' || next == '?' || next == '#';
    }
  }

  private static boolean isAsciiAlpha(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isWindowsDriveLetter(String s) {
    return s.length() == 2
        && isAsciiAlpha(s.charAt(0))
        && (s.charAt(1) == ':' || s.charAt(1) == '|');
  }

  private static boolean isNormalizedWindowsDriveLetter(String s) {
    return s.length() == 2 && isAsciiAlpha(s.charAt(0)) && s.charAt(1) == ':';
  }

  private static boolean isSingleDot(String s) {
    return s.equals(".") || s.equalsIgnoreCase("%2e");
  }

  private static boolean isDoubleDot(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "..", ".%2e", "%2e.", "%2e%2e" -> true;
      default -> false;
    };
  }
}
