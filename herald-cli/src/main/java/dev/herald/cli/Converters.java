package dev.herald.cli;

import dev.herald.store.Fsync;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option value parsers whose errors show the bad value and the expected form. Stateless; safe from
 * any thread.
 */
final class Converters {

  private Converters() {}

  /** {@code 40s}, {@code 500ms}, {@code 2m}, {@code 1h}, {@code 0} or ISO-8601 {@code PT40S}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        Duration parsed;
        if (v.startsWith("pt") || v.startsWith("p")) {
          parsed = Duration.parse(v.toUpperCase(Locale.ROOT));
        } else if (v.equals("0")) {
          parsed = Duration.ZERO;
        } else if (v.endsWith("ms")) {
          parsed = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
          parsed = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("m")) {
          parsed = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("h")) {
          parsed = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
        } else {
          throw new NumberFormatException();
        }
        if (parsed.isNegative()) {
          throw new TypeConversionException("'" + value + "' (expected: a duration >= 0)");
        }
        return parsed;
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' (expected: a duration such as 40s, 500ms, 2m, 1h or PT40S)");
      }
    }
  }

  /**
   * A byte count from 1 byte to just under 2 GiB, in the units of {@link ByteCountConverter}:
   * {@code 1048576}, {@code 512KiB}, {@code 1MiB}, {@code 1GiB}.
   */
  static final class SizeConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      long bytes;
      try {
        bytes = new ByteCountConverter().convert(value);
      } catch (TypeConversionException e) {
        bytes = -1;
      }
      if (bytes < 1 || bytes > Integer.MAX_VALUE) {
        throw new TypeConversionException(
            "'"
                + value
                + "' (expected: a size from 1 byte to under 2GiB, such as 1048576, 512KiB, 1MiB or 1GiB)");
      }
      return (int) bytes;
    }
  }

  /**
   * A byte count that may be 0 and may be large: {@code 0}, {@code 1048576}, {@code 512KiB}, {@code
   * 500MiB}, {@code 2GiB} (also {@code k}, {@code m}, {@code g}, {@code KB}, {@code MB}, {@code
   * GB}, all 1024-based). An unknown unit is an error, not a silent byte count.
   */
  static final class ByteCountConverter implements ITypeConverter<Long> {
    private static final Pattern FORMAT =
        Pattern.compile("(\\d{1,18})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

    @Override
    public Long convert(String value) {
      Matcher matcher = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!matcher.matches()) {
        throw new TypeConversionException(
            "'" + value + "' (expected: a size such as 0, 1048576, 512MiB or 2GiB)");
      }
      long multiplier =
          switch (matcher.group(2)) {
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            default -> 1;
          };
      try {
        return Math.multiplyExact(Long.parseLong(matcher.group(1)), multiplier);
      } catch (ArithmeticException e) {
        throw new TypeConversionException("'" + value + "' (expected: a size below 8 EiB)");
      }
    }
  }

  /** A duration the way the options take it: {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    } else if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    } else if (millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }

  /** {@code always}, {@code batch} or {@code never}. */
  static final class FsyncConverter implements ITypeConverter<Fsync> {
    @Override
    public Fsync convert(String value) {
      try {
        return Fsync.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' (expected: always, batch or never)");
      }
    }
  }

  /** {@code durable} or {@code memory}. */
  static final class HistoryKindConverter implements ITypeConverter<ServeCommand.HistoryKind> {
    @Override
    public ServeCommand.HistoryKind convert(String value) {
      for (ServeCommand.HistoryKind kind : ServeCommand.HistoryKind.values()) {
        if (kind.name().equalsIgnoreCase(value.trim())) {
          return kind;
        }
      }
      throw new TypeConversionException("'" + value + "' (expected: durable or memory)");
    }
  }

  /** {@code 07}, {@code 08} or {@code both}. */
  static final class ProtocolConverter
      implements ITypeConverter<dev.herald.server.ProtocolConfig.Versions> {
    @Override
    public dev.herald.server.ProtocolConfig.Versions convert(String value) {
      try {
        return dev.herald.server.ProtocolConfig.Versions.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' (expected: 07, 08 or both)");
      }
    }
  }

  /** {@code HOST:PORT}, {@code :PORT} (all interfaces) or {@code [::1]:PORT}. */
  static final class ListenConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      int colon = value.lastIndexOf(':');
      if (colon < 0) {
        throw new TypeConversionException(
            "'" + value + "' (expected: HOST:PORT, e.g. localhost:3000)");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65_535) {
        throw new TypeConversionException(
            "'" + value + "' (expected: HOST:PORT with a port from 0 to 65535)");
      }
      if (host.isEmpty()) {
        return new InetSocketAddress(port);
      }
      InetSocketAddress address = new InetSocketAddress(host, port);
      if (address.isUnresolved()) {
        throw new TypeConversionException("'" + value + "' (expected: a host name that resolves)");
      }
      return address;
    }
  }
}
