package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.SqliteHistory;
import dev.herald.store.StoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * How {@code serve} refuses bad history options: one line, and the exit code that says why. Runs on
 * the JUnit thread; no server is started.
 */
class ServeCommandTest {

  @TempDir Path temp;

  private final StringWriter err = new StringWriter();

  private int serve(String... args) {
    CommandLine cli = Main.commandLine(java.util.Map.of());
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err, true));
    String[] withServe = new String[args.length + 1];
    withServe[0] = "serve";
    System.arraycopy(args, 0, withServe, 1, args.length);
    return cli.execute(withServe);
  }

  private String errorLine() {
    String text = err.toString();
    assertThat(text.lines()).as(text).hasSize(1);
    return text.strip();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "--fsync|sometimes|'sometimes' (expected: always, batch or never)",
        "--history|disk|'disk' (expected: durable or memory)",
        "--history-max-bytes|12XB|'12XB' (expected: a size such as 0, 1048576, 512MiB or 2GiB)",
        "--history-max-bytes|-1|'-1' (expected: a size such as 0, 1048576, 512MiB or 2GiB)",
        "--history-max-age|soon|'soon' (expected: a duration such as 40s, 500ms, 2m, 1h or PT40S)",
      })
  void aBadValueIsOneLineAndExitCodeTwo(String option, String value, String expected) {
    assertThat(serve("--listen", "localhost:0", option, value)).isEqualTo(Main.USAGE_ERROR);
    assertThat(errorLine()).startsWith("serve: ").contains(option).contains(expected);
  }

  @Test
  void aNegativeHistorySizeIsOneLineAndExitCodeTwo() {
    assertThat(serve("--listen", "localhost:0", "--history-size", "-1"))
        .isEqualTo(Main.USAGE_ERROR);
    assertThat(errorLine()).isEqualTo("serve: history-size: -1 (expected: >= 0)");
  }

  @Test
  void anAgeTooLongToCountInMillisecondsIsRefused() {
    assertThat(serve("--listen", "localhost:0", "--history-max-age", "1000000h"))
        .isEqualTo(Main.USAGE_ERROR);
    assertThat(errorLine())
        .isEqualTo(
            "serve: history-max-age: PT1000000H (expected: 0 to PT876000H, where 0 means no age limit)");
  }

  @Test
  void ageAndSizeLimitsNeedTheDurableHistory() {
    int code = serve("--listen", "localhost:0", "--history", "memory", "--history-max-age", "1h");
    assertThat(code).isEqualTo(Main.USAGE_ERROR);
    assertThat(errorLine())
        .startsWith("serve: history-max-age, history-max-bytes: set with --history memory");
  }

  @Test
  void aDataDirThatCannotBeCreatedIsOneLineAndExitCodeOne() throws Exception {
    Path file = Files.writeString(temp.resolve("a-file"), "not a directory");
    assertThat(serve("--listen", "localhost:0", "--data-dir", file.toString())).isEqualTo(1);
    assertThat(errorLine()).startsWith("serve: data-dir " + file + ": cannot create it");
  }

  @Test
  void aDataDirInUseIsOneLineAndExitCodeOne() {
    try (SqliteHistory running = SqliteHistory.open(StoreConfig.DEFAULTS.withDataDir(temp))) {
      assertThat(serve("--listen", "localhost:0", "--data-dir", temp.toString())).isEqualTo(1);
      assertThat(errorLine())
          .isEqualTo("serve: data-dir " + temp + ": already open in this process");
    }
  }

  @Test
  void sizesTakeUnitsAndZero() {
    Converters.ByteCountConverter sizes = new Converters.ByteCountConverter();
    assertThat(sizes.convert("0")).isZero();
    assertThat(sizes.convert("1048576")).isEqualTo(1_048_576L);
    assertThat(sizes.convert("512KiB")).isEqualTo(512L * 1024);
    assertThat(sizes.convert("2GiB")).isEqualTo(2L << 30);
    assertThat(sizes.convert("3 mb")).isEqualTo(3L << 20);
  }

  @Test
  void aRedisUriLettuceCannotReadIsOneLineAndExitCodeTwo() {
    assertThat(serve("--listen", "localhost:0", "--redis", "localhost:6379"))
        .isEqualTo(Main.USAGE_ERROR);
    assertThat(errorLine())
        .startsWith("serve: redis: 'localhost:6379' is not a Redis URI: ")
        .contains("(expected: redis://HOST:PORT[/DB]");
  }

  @Test
  void localHistoryOptionsAreRefusedWithRedis() {
    int code =
        serve(
            "--listen",
            "localhost:0",
            "--redis",
            "redis://127.0.0.1:1",
            "--history",
            "memory",
            "--fsync",
            "never");
    assertThat(code).isEqualTo(Main.USAGE_ERROR);
    assertThat(errorLine()).startsWith("serve: history, fsync: set with --redis (expected: none");
  }

  @Test
  void anEmptyRedisHistoryIsRefusedAsTheTailsReadFromIt() {
    int code =
        serve("--listen", "localhost:0", "--redis", "redis://127.0.0.1:1", "--history-size", "0");
    assertThat(code).isEqualTo(Main.USAGE_ERROR);
    assertThat(errorLine()).isEqualTo("serve: history-size: 0 (expected: >= 1 with --redis)");
  }

  @Test
  void anUnreachableRedisIsOneLineAndExitCodeOne() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    int code =
        serve(
            "--listen",
            "localhost:0",
            "--redis",
            "redis://:pw@127.0.0.1:" + closedPort,
            "--redis-timeout",
            "1s");
    assertThat(code).isEqualTo(1);
    assertThat(errorLine())
        .startsWith("serve: redis redis://127.0.0.1:" + closedPort + ": cannot connect (")
        .doesNotContain("pw");
  }
}
