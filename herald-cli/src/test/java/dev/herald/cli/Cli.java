package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.HeraldServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs the herald command line in-process, with a given environment and captured output, either on
 * the test's thread ({@link #run}) or on one thread of its own ({@link #start}) for the commands
 * that block. {@link #close} stops that thread (and a started hub) and checks it ended; a {@code
 * subscribe} reading a stream ends only once its hub is closed, so close the hub first.
 */
final class Cli implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(20);

  private final CommandLine commandLine;
  private final StringWriter out = new StringWriter(); // StringBuffer inside: safe across threads
  private final StringWriter err = new StringWriter();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private Thread thread;

  Cli(Map<String, String> environment) {
    // A hub started by a test keeps its history in memory unless the test says otherwise, so no
    // test leaves a data directory behind or shares one with another.
    Map<String, String> withDefaults = new java.util.HashMap<>(environment);
    withDefaults.putIfAbsent("HERALD_HISTORY", "memory");
    // Nor warms up (3 s of load on two shared cores) unless the test is about the warm-up.
    withDefaults.putIfAbsent("HERALD_WARM_UP", "0");
    commandLine = Main.commandLine(withDefaults);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
  }

  Cli() {
    this(Map.of());
  }

  /** Runs as {@code main} would, minus System.exit; returns the exit code. */
  int run(String... args) {
    return commandLine.execute(Main.withDefaultCommand(args));
  }

  Cli start(String... args) {
    thread =
        new Thread(
            () -> {
              try {
                exit.complete(run(args));
              } catch (Throwable t) {
                exit.completeExceptionally(t);
              }
            },
            "cli-under-test");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  int awaitExit() throws Exception {
    return exit.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The hub a started {@code serve} runs, once it printed its start-up lines. */
  HeraldServer awaitServer() {
    await().atMost(WAIT).until(() -> serve().started != null || exit.isDone());
    assertThat(exit).as("serve ended early; stderr: %s", err()).isNotDone();
    return serve().started;
  }

  ServeCommand serve() {
    return commandLine.getSubcommands().get("serve").getCommand();
  }

  SubscribeCommand subscribe() {
    return commandLine.getSubcommands().get("subscribe").getCommand();
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  List<String> errLines() {
    return err().lines().toList();
  }

  @Override
  public void close() throws InterruptedException {
    if (thread == null) {
      return;
    }
    serve().stop.countDown();
    if (serve().started == null) { // subscribe runs until interrupted in its backoff sleep
      thread.interrupt();
    }
    thread.join(WAIT.toMillis());
    assertThat(thread.isAlive()).as("command thread still running after close").isFalse();
  }
}
