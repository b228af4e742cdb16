package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * packaging/herald.service agrees with the hub: systemd waits longer than the shutdown grace, the
 * data directory is the state directory, descriptors are not capped at 1024, and every HERALD_
 * variable it sets names a real {@code serve} option. Runs on the JUnit thread.
 */
class ServiceUnitTest {

  private static final Path UNIT = Path.of("..", "packaging", "herald.service");

  private static Map<String, List<String>> directives() throws Exception {
    return Files.readAllLines(UNIT).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("["))
        .collect(
            Collectors.groupingBy(
                line -> line.substring(0, line.indexOf('=')),
                LinkedHashMap::new,
                Collectors.mapping(
                    line -> line.substring(line.indexOf('=') + 1), Collectors.toList())));
  }

  private static Map<String, String> environment(Map<String, List<String>> unit) {
    return unit.get("Environment").stream()
        .collect(
            Collectors.toMap(
                e -> e.substring(0, e.indexOf('=')), e -> e.substring(e.indexOf('=') + 1)));
  }

  @Test
  void systemdWaitsLongerThanTheShutdownGrace() throws Exception {
    Map<String, List<String>> unit = directives();
    Duration grace =
        new Converters.DurationConverter().convert(environment(unit).get("HERALD_SHUTDOWN_GRACE"));
    Duration stop = new Converters.DurationConverter().convert(unit.get("TimeoutStopSec").get(0));
    assertThat(stop).isGreaterThan(grace);
    assertThat(unit.get("KillSignal")).containsExactly("SIGTERM");
  }

  @Test
  void theDataDirectoryIsTheStateDirectory() throws Exception {
    Map<String, List<String>> unit = directives();
    assertThat(unit.get("StateDirectory")).containsExactly("herald");
    assertThat(environment(unit)).containsEntry("HERALD_DATA_DIR", "/var/lib/herald");
    assertThat(unit.get("ExecStart").get(0)).contains("-jar /opt/herald/herald.jar serve");
  }

  @Test
  void connectionsAreNotCappedByTheDefaultDescriptorLimit() throws Exception {
    assertThat(Long.parseLong(directives().get("LimitNOFILE").get(0)))
        .isGreaterThanOrEqualTo(65_536);
  }

  @Test
  void everyVariableNamesAServeOption() throws Exception {
    CommandLine serve = Main.commandLine(Map.of()).getSubcommands().get("serve");
    List<String> variables =
        serve.getCommandSpec().options().stream()
            .map(OptionSpec::longestName)
            .map(EnvironmentDefaults::variableFor)
            .toList();
    assertThat(variables).containsAll(environment(directives()).keySet());
  }
}
