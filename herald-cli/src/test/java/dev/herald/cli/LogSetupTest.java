package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code --log-format}, {@code --log-level} and {@code HERALD_LOG_LEVEL}. Runs on the JUnit thread.
 */
class LogSetupTest {

  private static final Logger log = LoggerFactory.getLogger("dev.herald.test");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void restoreTheDefault() {
    LogSetup.apply(LogSetup.Format.TEXT, Level.INFO);
  }

  private String logged() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonIsOneObjectPerLineWithTheFormattedMessage() {
    LogSetup.apply(LogSetup.Format.JSON, Level.INFO, out);
    log.info("listening on {}", 3000);
    log.warn("second \"quoted\" line");
    String[] lines = logged().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0])
        .startsWith("{")
        .endsWith("}")
        .contains("\"level\":\"INFO\"")
        .contains("\"loggerName\":\"dev.herald.test\"")
        .contains("\"formattedMessage\":\"listening on 3000\"")
        .containsPattern("\"timestamp\":\\d+");
    assertThat(lines[1]).contains("\"level\":\"WARN\"").contains("second \\\"quoted\\\" line");
  }

  @Test
  void textKeepsTheUsualLayout() {
    LogSetup.apply(LogSetup.Format.TEXT, Level.INFO, out);
    log.info("listening on {}", 3000);
    assertThat(logged())
        .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  dev.herald.test - listening on 3000\\n");
  }

  @Test
  void eventsBelowTheLevelAreDropped() {
    LogSetup.apply(LogSetup.Format.JSON, Level.WARN, out);
    log.info("dropped");
    log.warn("kept");
    assertThat(logged()).doesNotContain("dropped").contains("kept");
  }

  private static String serveError(Map<String, String> environment, String... args) {
    CommandLine cli = Main.commandLine(environment);
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err, true));
    String[] withServe = new String[args.length + 1];
    withServe[0] = "serve";
    System.arraycopy(args, 0, withServe, 1, args.length);
    assertThat(cli.execute(withServe)).isEqualTo(Main.USAGE_ERROR);
    assertThat(err.toString().lines()).hasSize(1);
    return err.toString().strip();
  }

  @Test
  void aBadFormatIsOneLine() {
    assertThat(serveError(Map.of(), "--listen", "localhost:0", "--log-format", "xml"))
        .startsWith("serve: ")
        .contains("--log-format")
        .contains("'xml' (expected: text or json)");
  }

  @Test
  void aBadLevelFromTheEnvironmentIsOneLine() {
    assertThat(serveError(Map.of("HERALD_LOG_LEVEL", "LOUD"), "--listen", "localhost:0"))
        .contains("--log-level")
        .contains("'LOUD' (expected: TRACE, DEBUG, INFO, WARN, ERROR or OFF)");
  }

  @Test
  void theShippedLogbackXmlParsesWithoutErrors() throws Exception {
    ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
    ch.qos.logback.classic.joran.JoranConfigurator configurator =
        new ch.qos.logback.classic.joran.JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogSetupTest.class.getResource("/logback.xml"));
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .filteredOn(status -> status.getEffectiveLevel() >= ch.qos.logback.core.status.Status.WARN)
        .isEmpty();
    assertThat(context.getLogger("ROOT").getLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void levelsAreReadInAnyCase() {
    assertThat(new LogSetup.LevelConverter().convert("debug")).isEqualTo(Level.DEBUG);
    assertThat(new LogSetup.FormatConverter().convert("JSON")).isEqualTo(LogSetup.Format.JSON);
  }
}
