package dev.herald.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a publish body ({@code application/x-www-form-urlencoded}) straight from the request's
 * bytes into the fields a publish reads ({@code topic}, repeated, and {@code data}, {@code id},
 * {@code type}, {@code retry}, {@code private}: those of core's {@code PublishForm}, the same for
 * every protocol draft). The other fields are checked and skipped without becoming strings; no
 * intermediate string of the body, no map of every field.
 *
 * <p>Reads as Netty's {@code QueryStringDecoder} always did for publishes (so the drafts' rules see
 * the same values): fields split on {@code &} only (a {@code ;} is an ordinary character), the
 * first {@code =} splits name from value, a field without one has an empty value, empty fields are
 * skipped, {@code +} is a space, {@code %XX} a byte, the bytes of a name or value read as UTF-8
 * with U+FFFD for what is not. Unlike it: a {@code #} is an ordinary character (it began a URI
 * fragment there, and silently cut the rest of the body), and a body of more than {@value
 * #MAX_FIELDS} fields is refused (they were silently dropped).
 *
 * <p>Called on the channel's event loop, while the request's body is there; safe from any thread,
 * since its only state is one scratch buffer per thread (at most {@value #KEPT_SCRATCH} bytes
 * kept). The map it returns is immutable.
 */
final class PublishFormDecoder {

  /** Bounds the work a body can cause by its number of fields, as the query's decoder does. */
  static final int MAX_FIELDS = 2_048;

  /** The scratch kept per thread; a larger body borrows a buffer of its own for its decoding. */
  static final int KEPT_SCRATCH = 64 * 1024;

  /** The fields a publish reads, by index into {@link Fields#values}. */
  private static final String[] NAMES = {"topic", "data", "id", "type", "retry", "private"};

  private static final byte[][] NAME_BYTES = new byte[NAMES.length][];

  static {
    for (int i = 0; i < NAMES.length; i++) {
      NAME_BYTES[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
    }
  }

  private static final FastThreadLocal<byte[]> scratch =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[1024];
        }
      };

  private PublishFormDecoder() {}

  /**
   * The publish fields of {@code body}, read from its readable bytes (which it leaves as they are).
   *
   * @throws HttpError 400 for a malformed percent-escape or more than {@value #MAX_FIELDS} fields
   */
  static Map<String, List<String>> decode(ByteBuf body) {
    int length = body.readableBytes();
    byte[] bytes = scratchFor(length);
    // A copy, decoded in place: a value's decoded bytes are never longer than its encoded ones.
    body.getBytes(body.readerIndex(), bytes, 0, length);
    Fields fields = new Fields();
    int from = length > 0 && bytes[0] == '?' ? 1 : 0; // as the query's decoder, a leading ? is not
    int nameStart = from;
    int valueStart = -1;
    int count = 0;
    for (int i = from; i < length; i++) {
      byte b = bytes[i];
      if (b == '=') {
        if (nameStart == i) {
          nameStart = i + 1; // a field starting with = is read from after it, as always
        } else if (valueStart < nameStart) {
          valueStart = i + 1;
        }
      } else if (b == '&') {
        if (nameStart < i) {
          if (++count > MAX_FIELDS) {
            throw tooManyFields();
          }
          field(bytes, nameStart, valueStart, i, fields);
        }
        nameStart = i + 1;
      }
    }
    if (nameStart < length) {
      if (++count > MAX_FIELDS) {
        throw tooManyFields();
      }
      field(bytes, nameStart, valueStart, length, fields);
    }
    return fields.frozen();
  }

  private static void field(byte[] bytes, int nameStart, int valueStart, int end, Fields fields) {
    int nameEnd;
    if (valueStart <= nameStart) {
      nameEnd = end;
      valueStart = end;
    } else {
      nameEnd = valueStart - 1;
    }
    int name = known(bytes, nameStart, decodeInPlace(bytes, nameStart, nameEnd));
    int valueEnd = decodeInPlace(bytes, valueStart, end); // checked even when skipped, as always
    if (name >= 0) {
      fields.add(name, text(bytes, valueStart, valueEnd));
    }
  }

  /** Which publish field the decoded name {@code [start, end)} is, or -1. */
  private static int known(byte[] bytes, int start, int end) {
    int length = end - start;
    for (int i = 0; i < NAME_BYTES.length; i++) {
      byte[] name = NAME_BYTES[i];
      if (name.length == length && sameBytes(bytes, start, name)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameBytes(byte[] bytes, int start, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (bytes[start + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] bytes, int start, int end) {
    return start == end ? "" : new String(bytes, start, end - start, StandardCharsets.UTF_8);
  }

  /**
   * Percent-decodes {@code [start, end)} in place ({@code +} is a space) and returns where the
   * decoded bytes end.
   *
   * @throws HttpError 400 for a {@code %} not followed by two hex digits
   */
  private static int decodeInPlace(byte[] bytes, int start, int end) {
    int out = start;
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if (b == '+') {
        b = ' ';
      } else if (b == '%') {
        int high = i + 2 < end ? hexValue(bytes[i + 1]) : -1;
        int low = high >= 0 ? hexValue(bytes[i + 2]) : -1;
        if (low < 0) {
          throw badEscape(bytes, i, end);
        }
        b = (byte) (high << 4 | low);
        i += 2;
      }
      bytes[out++] = b;
    }
    return out;
  }

  private static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  private static HttpError badEscape(byte[] bytes, int at, int end) {
    StringBuilder escape = new StringBuilder();
    for (int i = at; i < Math.min(at + 3, end); i++) {
      int b = bytes[i] & 0xff;
      if (b > 0x20 && b < 0x7f) {
        escape.append((char) b);
      } else {
        escape.append(String.format("\\x%02X", b));
      }
    }
    return HttpError.malformed(
        "bad percent-escape '"
            + escape
            + "' at byte "
            + at
            + " of the form body (expected: % and two hex digits)");
  }

  private static HttpError tooManyFields() {
    return HttpError.malformed(
        "form body of more than " + MAX_FIELDS + " fields (expected: at most " + MAX_FIELDS + ")");
  }

  private static byte[] scratchFor(int length) {
    byte[] kept = scratch.get();
    if (kept.length >= length) {
      return kept;
    }
    if (length > KEPT_SCRATCH) {
      return new byte[length];
    }
    byte[] larger = new byte[Math.min(KEPT_SCRATCH, Integer.highestOneBit(length - 1) << 1)];
    scratch.set(larger);
    return larger;
  }

  /**
   * The publish fields found: each one's values in body order, null when absent. Filled by {@link
   * #decode}, then immutable; a map only for the drafts' rules, which read it by name.
   */
  private static final class Fields extends AbstractMap<String, List<String>> {

    @SuppressWarnings("unchecked")
    private final List<String>[] values = (List<String>[]) new List<?>[NAMES.length];

    /** A value is one list of one (most fields); a repeated one grows, then is frozen. */
    void add(int field, String value) {
      List<String> current = values[field];
      if (current == null) {
        values[field] = List.of(value);
      } else if (current.size() == 1) {
        values[field] = List.of(current.get(0), value);
      } else {
        List<String> growing =
            current instanceof ArrayList<String> ? current : new ArrayList<>(current);
        growing.add(value);
        values[field] = growing;
      }
    }

    Fields frozen() {
      for (int i = 0; i < values.length; i++) {
        if (values[i] instanceof ArrayList<String> growing) {
          values[i] = List.copyOf(growing);
        }
      }
      return this;
    }

    private static int index(Object name) {
      for (int i = 0; i < NAMES.length; i++) {
        if (NAMES[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public List<String> get(Object name) {
      int i = index(name);
      return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object name) {
      return get(name) != null;
    }

    @Override
    public List<String> getOrDefault(Object name, List<String> absent) {
      List<String> value = get(name);
      return value == null ? absent : value;
    }

    @Override
    public int size() {
      int size = 0;
      for (List<String> value : values) {
        size += value == null ? 0 : 1;
      }
      return size;
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
      // Not on the publish path (tests and messages read it): built when asked.
      Map<String, List<String>> present = new LinkedHashMap<>();
      for (int i = 0; i < NAMES.length; i++) {
        if (values[i] != null) {
          present.put(NAMES[i], values[i]);
        }
      }
      return Map.copyOf(present).entrySet();
    }
  }
}
