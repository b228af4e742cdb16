package dev.herald.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --log-format text|json} and {@code --log-level}: replaces the root logger's appender of
 * {@code logback.xml} once options are parsed. Runs on the thread that starts the command, before
 * the hub starts.
 */
final class LogSetup {

  /** One line per event: for a person ({@code text}) or for a log pipeline ({@code json}). */
  enum Format {
    TEXT,
    JSON
  }

  /** The same layout as {@code logback.xml}, so {@code --log-format text} changes nothing. */
  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

  private static final String APPENDER = "HERALD";

  private LogSetup() {}

  /** {@code text} or {@code json}, any case. */
  static final class FormatConverter implements ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      for (Format format : Format.values()) {
        if (format.name().equalsIgnoreCase(value.trim())) {
          return format;
        }
      }
      throw new TypeConversionException("'" + value + "' (expected: text or json)");
    }
  }

  /** A Logback level name, any case; Logback itself would silently turn a typo into DEBUG. */
  static final class LevelConverter implements ITypeConverter<Level> {
    @Override
    public Level convert(String value) {
      Level level = Level.toLevel(value.trim().toUpperCase(Locale.ROOT), null);
      if (level == null) {
        throw new TypeConversionException(
            "'" + value + "' (expected: TRACE, DEBUG, INFO, WARN, ERROR or OFF)");
      }
      return level;
    }
  }

  /** Sends every event to standard error in {@code format}, from {@code level} up. */
  static void apply(Format format, Level level) {
    // Never close standard error when an appender is stopped.
    apply(
        format,
        level,
        new FilterOutputStream(System.err) {
          @Override
          public void close() throws IOException {
            flush();
          }
        });
  }

  static void apply(Format format, Level level, OutputStream out) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Encoder<ILoggingEvent> encoder = format == Format.JSON ? json() : text();
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setName(APPENDER);
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.setImmediateFlush(true);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    root.setLevel(level);
  }

  private static Encoder<ILoggingEvent> text() {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setPattern(TEXT_PATTERN);
    return encoder;
  }

  /** One JSON object per line; the formatted message, not the template and its arguments. */
  private static Encoder<ILoggingEvent> json() {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    return encoder;
  }
}
