package dev.herald.core.property;

import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The generated cases of one property, for a {@code @ParameterizedTest @MethodSource}: each try is
 * its own test invocation, so Surefire counts every one, and each is named by its input so a
 * failure shows what broke.
 *
 * <p>Reproducible: try {@code i} of a property draws from {@code new Random(seed + i)}, where the
 * seed is {@code -Dherald.property.seed} or else derived from the property's name, so a failing
 * case fails again on every run until it is fixed. {@code -Dherald.property.tries=N} scales every
 * property (default: the count each property asks for). Stateless; safe from any thread.
 */
public final class PropertyCases {

  private static final int DISPLAY_LIMIT = 120;

  private PropertyCases() {}

  /** {@code tries} inputs drawn by {@code generator}, each named by its index and value. */
  public static <T> Stream<Named<T>> of(String property, int tries, Function<Random, T> generator) {
    long seed = Long.getLong("herald.property.seed", property.hashCode());
    int count = Integer.getInteger("herald.property.tries", tries);
    return IntStream.range(0, count)
        .mapToObj(
            i -> {
              T value = generator.apply(new Random(seed + i));
              return Named.of("try " + i + " (seed " + (seed + i) + "): " + describe(value), value);
            });
  }

  /** The value with control and non-ASCII characters escaped, cut to a readable length. */
  public static String describe(Object value) {
    String text = value instanceof byte[] bytes ? hex(bytes) : String.valueOf(value);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < DISPLAY_LIMIT; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.length() >= DISPLAY_LIMIT ? out + "…" : out.toString();
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      out.append(String.format("%02x", b & 0xff));
    }
    return out.toString();
  }
}
