package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.HubConfig;
import dev.herald.redis.RedisConfig;
import dev.herald.server.Limits;
import dev.herald.server.ServerConfig;
import dev.herald.store.StoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve}'s defaults are the configuration records' own: parsed without options, the command
 * holds what the records hold, its help shows them, and the environment still overrides them; the
 * banner says where the history is. Runs on the JUnit thread.
 */
class ServeDefaultsTest {

  private static ServeCommand parse(Map<String, String> environment, String... args) {
    CommandLine cli = Main.commandLine(environment);
    String[] withServe = new String[args.length + 1];
    withServe[0] = "serve";
    System.arraycopy(args, 0, withServe, 1, args.length);
    CommandLine.ParseResult result = cli.parseArgs(withServe);
    return (ServeCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void withoutOptionsServeHoldsTheRecordsDefaults() {
    ServeCommand serve = parse(Map.of());
    ServerConfig server = ServerConfig.builder().build();
    HubConfig hub = HubConfig.DEFAULTS;
    Limits limits = Limits.DEFAULTS;

    assertThat(serve.listen).isEqualTo(server.listen());
    assertThat(serve.maxConcurrentStreams).isEqualTo(server.maxConcurrentStreams());
    assertThat(serve.eventLoops).isEqualTo(server.eventLoops());
    assertThat(serve.shutdownGrace).isEqualTo(server.shutdownGrace());
    assertThat(serve.cookieName).isEqualTo(server.cookieName());
    assertThat(serve.heartbeat).isEqualTo(server.heartbeat());
    assertThat(serve.maxBody).isEqualTo(server.maxBody());
    assertThat(serve.historySize).isEqualTo(hub.historySize());
    assertThat(serve.subscriberQueue).isEqualTo(hub.subscriberQueueCapacity());
    assertThat(serve.dataDir).isEqualTo(StoreConfig.DEFAULTS.dataDir());
    assertThat(serve.fsync).isEqualTo(StoreConfig.DEFAULTS.fsync());
    assertThat(serve.historyMaxAge).isEqualTo(StoreConfig.DEFAULTS.maxAge());
    assertThat(serve.historyMaxBytes).isEqualTo(StoreConfig.DEFAULTS.maxBytes());
    assertThat(serve.redisPrefix).isEqualTo(RedisConfig.DEFAULTS.keyPrefix());
    assertThat(serve.redisTimeout).isEqualTo(RedisConfig.DEFAULTS.commandTimeout());
    assertThat(serve.maxTailLag).isEqualTo(RedisConfig.DEFAULTS.maxTailLag());
    assertThat(serve.maxRequestLine).isEqualTo(limits.maxRequestLine());
    assertThat(serve.maxHeaderBlock).isEqualTo(limits.maxHeaderBlock());
    assertThat(serve.headerTimeout).isEqualTo(limits.headerTimeout());
    assertThat(serve.bodyTimeout).isEqualTo(limits.bodyTimeout());
    assertThat(serve.idleTimeout).isEqualTo(limits.idleTimeout());
    assertThat(serve.maxConnections).isEqualTo(limits.maxConnections());
    assertThat(serve.maxConnectionsPerAddress).isEqualTo(limits.maxConnectionsPerAddress());
    assertThat(serve.maxStreamLifetime).isEqualTo(limits.maxStreamLifetime());
    assertThat(serve.protocol).isEqualTo(server.protocols().versions());
    assertThat(serve.accessCookieName).isEqualTo(server.protocols().accessCookieName());
  }

  @Test
  void theHelpShowsTheRecordsDefaultsAsTheyAreTyped() {
    StringWriter help = new StringWriter();
    CommandLine serve = Main.commandLine(Map.of()).getSubcommands().get("serve");
    serve.usage(new PrintWriter(help, true));
    String text = help.toString().replaceAll("\\s+", " ");

    assertThat(text)
        .contains("reconnecting subscribers (default: " + HubConfig.DEFAULTS.historySize() + ")")
        .contains("0 disables (default: 40s)")
        .contains("Largest publish request body (default: 1MiB)")
        .contains("(default: 256KiB)")
        .contains("(default: localhost:3000)");
  }

  @Test
  void theBannerSaysWhereTheNodeKeepsItsHistory(@TempDir Path dataDir) throws Exception {
    try (Cli cli = new Cli()) {
      cli.start("serve", "--listen", "127.0.0.1:0", "--history", "memory", "--history-size", "7")
          .awaitServer();
      assertThat(cli.out()).contains("  history:    memory, newest 7 events, lost on restart\n");
    }
    try (Cli cli = new Cli()) {
      cli.start(
              "serve",
              "--listen",
              "127.0.0.1:0",
              "--history",
              "durable",
              "--data-dir",
              dataDir.toString(),
              "--fsync",
              "always")
          .awaitServer();
      assertThat(cli.out())
          .contains(
              "  history:    durable in "
                  + dataDir.toAbsolutePath().normalize()
                  + " (fsync always)\n");
    }
  }

  @Test
  void theEnvironmentStillOverridesThem() {
    ServeCommand serve = parse(Map.of("HERALD_HISTORY_SIZE", "5", "HERALD_DATA_DIR", "/data"));
    assertThat(serve.historySize).isEqualTo(5);
    assertThat(serve.dataDir).isEqualTo(Path.of("/data"));
    assertThat(parse(Map.of("HERALD_HISTORY_SIZE", "5"), "--history-size", "7").historySize)
        .isEqualTo(7);
  }
}
