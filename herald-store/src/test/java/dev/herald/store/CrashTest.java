package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.dispatch.TestLoops;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} in the middle of appending: every acknowledged event must come back, in order,
 * and nothing that was not written whole. The writer is a child JVM ({@link CrashWriter}) killed
 * with SIGKILL ({@link Process#destroyForcibly()}). Runs on the JUnit thread; the resuming
 * subscriber is drained on one owner thread.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrashTest {

  private static final long SEED = 20261125L;

  @TempDir Path dataDir;

  private Process child;
  private final TestLoops loops = new TestLoops(1);

  @AfterEach
  void tearDown() throws InterruptedException {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    loops.close();
  }

  /**
   * The acknowledgements a child printed, in order. Its stdout goes to a file, not a pipe: the file
   * keeps every line written before the kill, where {@link Process#destroyForcibly()} would close
   * the pipe and lose what was still in it. A line cut by the kill is not counted.
   */
  private record Acks(List<Long> sequences, List<String> ids) {

    static Acks read(Path file) throws IOException {
      List<Long> sequences = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] fields = line.split(" ");
        if (fields.length == 3
            && fields[0].equals("ack")
            && fields[2].equals("crash-" + fields[1])) {
          sequences.add(Long.parseLong(fields[1]));
          ids.add(fields[2]);
        }
      }
      return new Acks(sequences, ids);
    }

    long last() {
      return sequences.isEmpty() ? 0 : sequences.get(sequences.size() - 1);
    }
  }

  private Acks startAndKillAfter(Fsync fsync, int acknowledged) throws Exception {
    Path output = dataDir.resolve("child-stdout.txt");
    Path errors = dataDir.resolve("child-stderr.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child =
        new ProcessBuilder(
                java,
                // sqlite-jdbc extracts its native library on each start and a killed JVM never
                // deletes its copy: extract into the test's directory, which JUnit removes.
                "-Dorg.sqlite.tmpdir=" + dataDir,
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                dataDir.toString(),
                fsync.toString(),
                Long.toString(SEED),
                "5000000")
            .redirectOutput(output.toFile())
            .redirectError(errors.toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> !child.isAlive() || Acks.read(output).sequences().size() >= acknowledged);
    assertThat(child.isAlive())
        .as("the writer died by itself: %s", Files.readString(errors))
        .isTrue();
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no checkpoint
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Acks acks = Acks.read(output);
    // acknowledgements are exactly 1..n in order: the file lost none
    assertThat(acks.sequences())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, acks.last()).boxed().toList());
    return acks;
  }

  private static StoreConfig config(Path dataDir) {
    return StoreConfig.DEFAULTS.withDataDir(dataDir).withMaxEvents(Long.MAX_VALUE);
  }

  /** Every event 1..last is there, whole, in order: the acknowledged ones and any written after. */
  private static void assertEverythingReadableAndWhole(SqliteHistory history) {
    long last = history.lastSequence();
    long after = 0;
    while (after < last) {
      List<Event> chunk = history.read(after, last, 512);
      assertThat(chunk).as("events after %d", after).isNotEmpty();
      for (Event event : chunk) {
        assertThat(event.sequence()).isEqualTo(after + 1);
        Event expected = CrashWriter.expected(event.sequence());
        assertThat(event.update()).isEqualTo(expected.update());
        assertThat(event.frame()).isEqualTo(expected.frame());
        after = event.sequence();
      }
    }
  }

  /** A subscriber resuming after event k gets exactly k+1..last, in order, through the hub. */
  private void assertResumesAfter(Hub hub, long k, long last) {
    Probe probe = new Probe(hub, List.of("*"), loops.get(0), new Random(SEED), 0);
    probe.subscribe(k == 0 ? "earliest" : "crash-" + k);
    await().atMost(Duration.ofSeconds(30)).until(() -> probe.received.size() >= last - k);
    assertThat(probe.failures).isEmpty();
    assertThat(probe.resumes)
        .containsExactly(
            new Probe.Resume(
                k == 0 ? "earliest" : "crash-" + k, k == 0 ? "earliest" : "crash-" + k));
    assertThat(probe.received.stream().map(Event::sequence).toList())
        .as("replay after %d", k)
        .containsExactlyElementsOf(LongStream.rangeClosed(k + 1, last).boxed().toList());
  }

  @Test
  void everyAcknowledgedEventSurvivesKillDashNine() throws Exception {
    Acks acks = startAndKillAfter(Fsync.BATCH, 3_000);
    long acknowledged = acks.last();
    long started = System.nanoTime();
    try (SqliteHistory history = SqliteHistory.open(config(dataDir))) {
      long openMillis = (System.nanoTime() - started) / 1_000_000;
      long last = history.lastSequence();
      assertThat(last).as("reopened in %d ms", openMillis).isGreaterThanOrEqualTo(acknowledged);
      for (int i = 0; i < acks.ids().size(); i += 97) {
        assertThat(history.sequenceOf(acks.ids().get(i))).isEqualTo(acks.sequences().get(i));
      }
      assertEverythingReadableAndWhole(history);
      try (Hub hub = new Hub(HubConfig.DEFAULTS, history)) {
        for (long k : List.of(0L, 1L, acknowledged / 2, acknowledged - 1, acknowledged)) {
          assertResumesAfter(hub, k, last);
        }
        // and the log goes on where it stopped
        Event next = hub.publish(CrashWriter.expected(last + 1).update()).get(10, TimeUnit.SECONDS);
        assertThat(next.sequence()).isEqualTo(last + 1);
      }
    }
  }

  @Test
  void aTornTransactionAtTheEndOfTheLogIsDroppedNeverServed() throws Exception {
    Acks acks = startAndKillAfter(Fsync.NEVER, 3_000);
    Path wal = dataDir.resolve("herald.db-wal");
    assertThat(wal).exists();
    WalFile.Layout layout = WalFile.read(wal);
    WalFile.writeTornTransaction(wal, layout, new Random(SEED));
    try (SqliteHistory history = SqliteHistory.open(config(dataDir))) {
      long last = history.lastSequence();
      assertThat(last)
          .as(
              "log had %d uncommitted frames after its last commit before the test tore one more",
              layout.framesAfterLastCommit())
          .isGreaterThanOrEqualTo(acks.last());
      assertEverythingReadableAndWhole(history);
      try (Hub hub = new Hub(HubConfig.DEFAULTS, history)) {
        assertResumesAfter(hub, acks.last() - 100, last);
      }
    }
  }
}
