package dev.herald.core.property;

import java.util.Random;

/**
 * Generators of strings and bytes biased toward what breaks parsers: line breaks and NUL, percent
 * signs and hex digits, the syntax characters of forms, URI templates and SSE, non-ASCII text
 * (two-, three- and four-byte UTF-8), and mostly short lengths with the odd long one.
 *
 * <p>Stateless; the {@link Random} passed in is the caller's (one per try).
 */
public final class HostileText {

  /** The characters each alphabet draws from; one alphabet is chosen per character. */
  private static final String[] ALPHABETS = {
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "\r\n\0\t \u000b\u000c",
    "%%%0123456789abcdefABCDEF",
    "{}{}+#./;?&=,*:!@|$'()[]~-_ \"<>\\^`",
    "é€中ß\u00a0\u2028\ufeff\ufffd\u0663\uff11",
  };

  /** Four-byte UTF-8: one character, two Java chars. */
  private static final String ASTRAL = "\ud83d\ude00";

  private HostileText() {}

  /** A well-formed string (no lone surrogate) of at most {@code maxLength} chars. */
  public static String string(Random random, int maxLength) {
    return string(random, maxLength, false);
  }

  /** Like {@link #string(Random, int)}, but may hold lone surrogates, as Java strings can. */
  public static String anyString(Random random, int maxLength) {
    return string(random, maxLength, true);
  }

  /** A string drawn only from {@code alphabet}, of at most {@code maxLength} chars. */
  public static String from(Random random, String alphabet, int maxLength) {
    int length = length(random, maxLength);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /** Arbitrary bytes, with a bias toward ASCII syntax and UTF-8 lead and continuation bytes. */
  public static byte[] bytes(Random random, int maxLength) {
    byte[] out = new byte[length(random, maxLength)];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (random.nextInt(4)) {
            case 0 -> (byte) random.nextInt(256);
            case 1 -> (byte) (0x80 + random.nextInt(0x80));
            default -> (byte) "%&=+;ab0F\r\n".charAt(random.nextInt(11));
          };
    }
    return out;
  }

  /** Mostly short (up to 16), one in eight anywhere up to {@code maxLength}. */
  public static int length(Random random, int maxLength) {
    int bound = random.nextInt(8) == 0 ? maxLength : Math.min(16, maxLength);
    return random.nextInt(bound + 1);
  }

  private static String string(Random random, int maxLength, boolean loneSurrogates) {
    int length = length(random, maxLength);
    StringBuilder out = new StringBuilder(length + 1);
    while (out.length() < length) {
      int pick = random.nextInt(ALPHABETS.length + 2);
      if (pick < ALPHABETS.length) {
        String alphabet = ALPHABETS[pick];
        out.append(alphabet.charAt(random.nextInt(alphabet.length())));
      } else if (pick == ALPHABETS.length || !loneSurrogates) {
        out.append(ASTRAL);
      } else {
        out.append(random.nextBoolean() ? '\ud800' : '\udfff');
      }
    }
    return out.toString();
  }
}
