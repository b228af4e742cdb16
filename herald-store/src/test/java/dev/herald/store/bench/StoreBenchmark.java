package dev.herald.store.bench;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.Update;
import dev.herald.core.dispatch.PlainSubscriptions;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.sse.SseFrame;
import dev.herald.store.Fsync;
import dev.herald.store.SqliteHistory;
import dev.herald.store.StoreConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measures the durable store through the hub: acknowledged publish throughput and latency with
 * fsync batch, replay speed of a 100,000-event backlog, and open time with 1,000,000 retained
 * events. Each part stays well under two minutes on a 2-core machine. Runs on its main thread plus
 * the publisher threads and the subscriber's owner thread it starts.
 *
 * <pre>
 * java -cp ... dev.herald.store.bench.StoreBenchmark all|publish|replay|open WORK_DIR
 * </pre>
 *
 * WORK_DIR is emptied first; it needs about 1 GB.
 */
public final class StoreBenchmark {

  private static final int PUBLISHERS = 4;

  /** Publishes each publisher thread keeps in flight, like as many HTTP clients waiting. */
  private static final int WINDOW = 256;

  private static final int WARM_UP_EVENTS = 50_000;
  private static final int MEASURED_EVENTS = 400_000;
  private static final int REPLAY_EVENTS = 100_000;
  private static final int OPEN_EVENTS = 1_000_000;

  /** 150 bytes of data: a small JSON document, the common Mercure payload. */
  private static final String DATA =
      "{\"@id\":\"/books/1\",\"title\":\"The Left Hand of Darkness\",\"author\":\"Ursula K. Le Guin\","
          + "\"isbn\":\"9780441478125\",\"price\":9.99}";

  private StoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: StoreBenchmark all|publish|replay|open WORK_DIR");
      System.exit(2);
    }
    String part = args[0];
    Path work = Path.of(args[1]);
    deleteRecursively(work);
    Files.createDirectories(work);
    System.out.printf(
        "# herald-store benchmark: %d cores, %s %s, max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
    if (part.equals("all") || part.equals("publish") || part.equals("replay")) {
      publishAndReplay(work.resolve("publish"), !part.equals("replay"), !part.equals("publish"));
    }
    if (part.equals("all") || part.equals("open")) {
      open(work.resolve("open"));
    }
    deleteRecursively(work);
  }

  private static Update update(int n) {
    return Update.of("https://example.com/books/" + (n % 1_000), DATA);
  }

  /** Publishes through the hub, then replays the newest 100,000 events to one subscriber. */
  private static void publishAndReplay(Path dir, boolean reportPublish, boolean runReplay)
      throws Exception {
    StoreConfig config =
        StoreConfig.DEFAULTS.withDataDir(dir).withFsync(Fsync.BATCH).withMaxEvents(10_000_000);
    try (Hub hub = new Hub(HubConfig.DEFAULTS, SqliteHistory.open(config))) {
      publish(hub, WARM_UP_EVENTS, false);
      publish(hub, MEASURED_EVENTS, reportPublish);
      if (runReplay) {
        for (int run = 1; run <= 3; run++) {
          replay(hub, run);
        }
      }
    }
  }

  private static void publish(Hub hub, int total, boolean report) throws InterruptedException {
    int perThread = total / PUBLISHERS;
    long[][] latencies = new long[PUBLISHERS][perThread];
    AtomicLong failures = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    long started = System.nanoTime();
    for (int t = 0; t < PUBLISHERS; t++) {
      long[] mine = latencies[t];
      int offset = t * perThread;
      Thread thread =
          new Thread(
              () -> {
                Semaphore window = new Semaphore(WINDOW);
                for (int i = 0; i < perThread; i++) {
                  window.acquireUninterruptibly();
                  int slot = i;
                  long sent = System.nanoTime();
                  hub.publish(update(offset + i))
                      .whenComplete(
                          (event, error) -> {
                            mine[slot] = System.nanoTime() - sent;
                            if (error != null) {
                              failures.incrementAndGet();
                            }
                            window.release();
                          });
                }
                window.acquireUninterruptibly(WINDOW); // the last ones acknowledged
              },
              "bench-publisher-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (!report) {
      return;
    }
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf(
        "publish (fsync batch, %d threads x %d in flight, %d-byte data): %,d events in %.2f s ="
            + " %,.0f acknowledged events/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
            + " %d failed%n",
        PUBLISHERS,
        WINDOW,
        DATA.length(),
        all.length,
        seconds,
        all.length / seconds,
        percentile(all, 0.50) / 1e6,
        percentile(all, 0.99) / 1e6,
        all[all.length - 1] / 1e6,
        failures.get());
  }

  private static long percentile(long[] sorted, double fraction) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
  }

  /**
   * One subscriber resumes 100,000 events behind; its owner thread drains as a connection's event
   * loop would, while replay chunks are read on the store's reader threads.
   */
  private static void replay(Hub hub, int run) throws Exception {
    long last = hub.publishedEvents(); // nothing else publishes: sequences are 1..last
    ExecutorService owner = Executors.newSingleThreadExecutor();
    try {
      // The id of the event REPLAY_EVENTS before the newest, found by publishing a marker first.
      String resumeAfter =
          hub.publish(update(-1).withId("replay-mark-" + run)).get(10, TimeUnit.SECONDS).id();
      for (int i = 0; i < REPLAY_EVENTS; i += 1_000) {
        List<CompletableFuture<Event>> batch = new ArrayList<>();
        for (int j = 0; j < 1_000; j++) {
          batch.add(hub.publish(update(j)));
        }
        batch.forEach(CompletableFuture::join);
      }
      AtomicLong received = new AtomicLong();
      CompletableFuture<Long> done = new CompletableFuture<>();
      Subscriber[] self = new Subscriber[1];
      Runnable drain =
          () -> {
            Subscriber subscriber = self[0];
            int handed;
            while ((handed = subscriber.drainTo(event -> received.incrementAndGet(), 256)) > 0) {
              if (received.get() >= REPLAY_EVENTS) {
                done.complete(System.nanoTime());
                return;
              }
            }
            subscriber.idle();
          };
      self[0] =
          hub.newSubscriber(
              List.of("*"), List.of(), null, PlainSubscriptions.FORMAT, () -> owner.execute(drain));
      long started = System.nanoTime();
      hub.subscribe(self[0], resumeAfter).get(10, TimeUnit.SECONDS);
      owner.execute(drain);
      long finished = done.get(60, TimeUnit.SECONDS);
      hub.unsubscribe(self[0]);
      double seconds = (finished - started) / 1e9;
      System.out.printf(
          "replay run %d (%,d events behind, read in chunks of 512 on the store's readers): %.3f s ="
              + " %,.0f events/s (hub had %,d events)%n",
          run, REPLAY_EVENTS, seconds, REPLAY_EVENTS / seconds, last + REPLAY_EVENTS + 1);
    } finally {
      owner.shutdownNow();
    }
  }

  /** Fills a store with 1,000,000 events, then times opening it in several ways. */
  private static void open(Path dir) throws Exception {
    StoreConfig config =
        StoreConfig.DEFAULTS.withDataDir(dir).withFsync(Fsync.NEVER).withMaxEvents(10_000_000);
    long fillStarted = System.nanoTime();
    try (SqliteHistory history = SqliteHistory.open(config)) {
      List<Event> group = new ArrayList<>(1_024);
      for (int n = 1; n <= OPEN_EVENTS; n++) {
        Update update = update(n).withId("urn:uuid:" + new java.util.UUID(n, n));
        group.add(new Event(n, update, SseFrame.encode(update)));
        if (group.size() == 1_024 || n == OPEN_EVENTS) {
          history.append(group);
          group = new ArrayList<>(1_024);
        }
      }
    }
    System.out.printf(
        "open: filled %,d events in %.1f s; files %s%n",
        OPEN_EVENTS, (System.nanoTime() - fillStarted) / 1e9, sizes(dir));
    StoreConfig batch = config.withFsync(Fsync.BATCH);
    for (int run = 1; run <= 3; run++) {
      long started = System.nanoTime();
      try (SqliteHistory history = SqliteHistory.open(batch)) {
        double millis = (System.nanoTime() - started) / 1e6;
        long lookupStarted = System.nanoTime();
        long sequence = history.sequenceOf("urn:uuid:" + new java.util.UUID(500_000, 500_000));
        double lookupMicros = (System.nanoTime() - lookupStarted) / 1e3;
        System.out.printf(
            "open run %d (in this JVM%s): %.0f ms, last sequence %,d; sequenceOf(event 500,000) = %,d"
                + " in %.0f us%n",
            run,
            run == 1 ? ", after the fill" : "",
            millis,
            history.lastSequence(),
            sequence,
            lookupMicros);
      }
    }
    coldOpen(dir, "fresh JVM, clean shutdown before");
    killDashNine(dir);
    coldOpen(dir, "fresh JVM, after kill -9 of a writer");
  }

  /** Starts a JVM that opens the store and reports; the time a restarted hub needs. */
  private static void coldOpen(Path dir, String label) throws Exception {
    Process child =
        new ProcessBuilder(
                java(),
                "-cp",
                System.getProperty("java.class.path"),
                OpenOnce.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes()).strip();
    child.waitFor(60, TimeUnit.SECONDS);
    System.out.printf("open (%s): %s%n", label, output);
  }

  /** A writer appends to the 1,000,000-event store and is killed mid-stream, leaving its log. */
  private static void killDashNine(Path dir) throws Exception {
    Path acks = dir.resolveSibling("writer-acks.txt");
    Process writer =
        new ProcessBuilder(
                java(),
                "-Dorg.sqlite.tmpdir=" + dir.getParent(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.herald.store.CrashWriter",
                dir.toString(),
                "batch",
                "1",
                Long.toString(OPEN_EVENTS + 5_000_000L))
            .redirectOutput(acks.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && writer.isAlive() && countLines(acks) < 20_000) {
      writer.waitFor(100, TimeUnit.MILLISECONDS);
    }
    writer.destroyForcibly();
    writer.waitFor(30, TimeUnit.SECONDS);
    System.out.printf(
        "kill -9: the writer acknowledged %,d more events; files %s%n",
        countLines(acks) - 1, sizes(dir));
  }

  private static long countLines(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String sizes(Path dir) throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
        if (file.getFileName().toString().startsWith("herald.db")) {
          out.append(file.getFileName())
              .append(' ')
              .append(Files.size(file) >> 20)
              .append(" MiB, ");
        }
      }
    }
    return out.length() == 0 ? "none" : out.substring(0, out.length() - 2);
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** The child of {@link #coldOpen}: opens the store once and prints how long that took. */
  public static final class OpenOnce {
    public static void main(String[] args) {
      long started = System.nanoTime();
      StoreConfig config =
          StoreConfig.DEFAULTS.withDataDir(Path.of(args[0])).withMaxEvents(10_000_000);
      try (SqliteHistory history = SqliteHistory.open(config)) {
        System.out.printf(
            "store open %.0f ms (native library load included), %.0f ms since JVM start; last sequence %,d",
            (System.nanoTime() - started) / 1e6,
            (double) ManagementFactory.getRuntimeMXBean().getUptime(),
            history.lastSequence());
      }
    }
  }
}
