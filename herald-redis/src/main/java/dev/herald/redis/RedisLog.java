package dev.herald.redis;

import dev.herald.core.Event;
import dev.herald.core.HubException;
import dev.herald.core.Readiness;
import dev.herald.core.Update;
import dev.herald.core.history.SharedLog;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared log of a Herald cluster, on one Redis stream: every node appends to it with one Lua
 * script per batch (sequence, entry, id index and trimming in one atomic step) and tails it to fan
 * out what any node appended. The stream id of an entry is {@code 0-<sequence>}, so sequences are
 * the stream's own ids: contiguous from 1, the same on every node.
 *
 * <p>Keys, under the configured prefix: {@code events} (the stream), {@code sequence} (the last
 * sequence), {@code ids} (event id → earliest retained sequence, trimmed with the stream), {@code
 * ids:later} (the later uses of reused ids, waiting to become the earliest), {@code batch:*} (a
 * minute-long marker per batch, so a batch the client sends again after a reconnect is not appended
 * twice). The script stores an update whose id {@code ids} already holds only once (idempotent
 * publishing), in the same atomic step as the append.
 *
 * <p>Three connections: one for appends and lookups (asynchronous, never blocks the caller), one
 * for replay reads (synchronous, on the bounded reader pool), one for the tail's blocking reads.
 * While Redis is unreachable, commands fail at once instead of queueing, so a publish gets a 503
 * instead of waiting; Lettuce reconnects by itself with jittered backoff.
 *
 * <p>Threading: {@link #appendShared} and {@link #findSequence} from any thread, without blocking;
 * {@link #read} blocks for one round trip and belongs on {@link #readExecutor()}; {@link #append},
 * {@link #sequenceOf}, {@link #lastSequence} and {@link #lastId} block for one round trip and are
 * not part of {@link SharedLog}, so a hub never calls them (the history contract tests and start-up
 * do); the tail runs on its own thread; {@link #readiness} and {@link #retained} are safe from any
 * thread.
 */
public final class RedisLog implements SharedLog {

  private static final Logger log = LoggerFactory.getLogger(RedisLog.class);

  /** The stream, the last sequence, the id index and the prefix of batch markers. Immutable. */
  record Keys(String stream, String sequence, String ids, String laterIds, String batchPrefix) {
    static Keys of(String prefix) {
      return new Keys(
          prefix + "events",
          prefix + "sequence",
          prefix + "ids",
          prefix + "ids:later",
          prefix + "batch:");
    }

    /** The keys of one append script call, in the order the script reads them. */
    String[] forBatch(String batchToken) {
      return new String[] {stream, sequence, ids, batchPrefix + batchToken, laterIds};
    }
  }

  private static final String SCRIPT = loadScript();

  private final RedisConfig config;
  private final Keys keys;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> commands;
  private final StatefulRedisConnection<String, String> reads;
  private final StatefulRedisConnection<String, String> tailConnection;
  private final String scriptSha;
  private final ThreadPoolExecutor readers;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile StreamTail tail;
  private Thread tailThread;

  private RedisLog(
      RedisConfig config,
      ClientResources resources,
      RedisClient client,
      StatefulRedisConnection<String, String> commands,
      StatefulRedisConnection<String, String> reads,
      StatefulRedisConnection<String, String> tailConnection,
      String scriptSha) {
    this.config = config;
    this.keys = Keys.of(config.keyPrefix());
    this.resources = resources;
    this.client = client;
    this.commands = commands;
    this.reads = reads;
    this.tailConnection = tailConnection;
    this.scriptSha = scriptSha;
    AtomicInteger threadNumber = new AtomicInteger();
    this.readers =
        new ThreadPoolExecutor(
            config.readerThreads(),
            config.readerThreads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(config.readerQueueCapacity()),
            task -> {
              Thread thread =
                  new Thread(task, "herald-redis-reader-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Connects to Redis and loads the append script; blocks until Redis answers.
   *
   * @throws RedisUnavailableException if Redis cannot be reached or refuses the connection
   */
  public static RedisLog connect(RedisConfig config) {
    Duration timeout = config.commandTimeout();
    ClientResources resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            // Jittered, and capped low: publishing resumes within seconds of Redis coming back.
            .reconnectDelay(
                Delay.fullJitter(
                    Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
            .build();
    RedisClient client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // Fail at once while disconnected: a publish is answered 503 instead of waiting.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(65_536)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
    List<StatefulRedisConnection<String, String>> opened = new ArrayList<>();
    try {
      StatefulRedisConnection<String, String> commands = open(client, config, "herald-append");
      opened.add(commands);
      StatefulRedisConnection<String, String> reads = open(client, config, "herald-read");
      opened.add(reads);
      StatefulRedisConnection<String, String> tail = open(client, config, "herald-tail");
      opened.add(tail);
      // A blocking read waits up to its block time before Redis answers.
      tail.setTimeout(config.tailBlock().plus(timeout));
      String sha = commands.sync().scriptLoad(SCRIPT);
      log.info(
          "shared log: {} at {}, {} events retained",
          config.keyPrefix() + "events",
          config.describe(),
          config.historySize());
      return new RedisLog(config, resources, client, commands, reads, tail, sha);
    } catch (RuntimeException e) { // RedisException mostly; any other must not leak threads
      opened.forEach(StatefulRedisConnection::close);
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new RedisUnavailableException(
          "redis " + config.describe() + ": cannot connect (" + oneLine(e) + ")", e);
    }
  }

  private static StatefulRedisConnection<String, String> open(
      RedisClient client, RedisConfig config, String name) {
    // Named, so that CLIENT LIST shows which connection of which role is whose. Set on a fresh
    // parse rather than through RedisURI.builder(uri), which drops a Sentinel URI's sentinels.
    RedisURI uri = config.redisUri();
    uri.setClientName(name);
    return client.connect(StringCodec.UTF8, uri);
  }

  /** The configuration this log was opened with. */
  public RedisConfig config() {
    return config;
  }

  @Override
  public CompletableFuture<long[]> appendShared(List<Update> updates) {
    return appendShared(updates, null);
  }

  @Override
  public CompletableFuture<long[]> appendShared(List<Update> updates, String[] traceContexts) {
    if (updates.isEmpty()) {
      return CompletableFuture.completedFuture(new long[0]);
    }
    return runScript(0, updates, traceContexts, System.currentTimeMillis())
        .exceptionally(
            failure -> {
              throw new CompletionException(unavailable("append failed", failure));
            });
  }

  /**
   * One script call for the batch: the sequence of each update. EVALSHA, and EVAL when Redis forgot
   * the script (a restart empties its script cache).
   */
  private CompletableFuture<long[]> runScript(
      long expectedFirst, List<Update> updates, String[] traceContexts, long publishedAtMillis) {
    String[] keyNames = keys.forBatch(UUID.randomUUID().toString());
    List<String> args = new ArrayList<>(2 + updates.size() * StreamEntries.FIELDS);
    args.add(Long.toString(expectedFirst));
    args.add(Long.toString(config.historySize()));
    for (int i = 0; i < updates.size(); i++) {
      StreamEntries.addFields(
          args, updates.get(i), publishedAtMillis, traceContexts == null ? null : traceContexts[i]);
    }
    String[] values = args.toArray(new String[0]);
    RedisAsyncCommands<String, String> async = commands.async();
    CompletionStage<List<Object>> sent =
        async.<List<Object>>evalsha(scriptSha, ScriptOutputType.MULTI, keyNames, values);
    return sent.toCompletableFuture()
        .exceptionallyCompose(
            failure -> {
              if (cause(failure) instanceof RedisNoScriptException) {
                return async
                    .<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, keyNames, values)
                    .toCompletableFuture();
              }
              return CompletableFuture.failedFuture(cause(failure));
            })
        .thenApply(RedisLog::sequences);
  }

  private static long[] sequences(List<Object> reply) {
    long[] sequences = new long[reply.size()];
    for (int i = 0; i < sequences.length; i++) {
      sequences[i] = ((Number) reply.get(i)).longValue();
    }
    return sequences;
  }

  /**
   * Appends events whose sequences are already chosen: the script refuses them unless the first
   * follows the stream's last. Blocks for one round trip.
   */
  public void append(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    long expected = events.get(0).sequence();
    for (Event event : events) {
      if (event.sequence() != expected) {
        throw new IllegalStateException(
            "sequence " + event.sequence() + " appended after " + (expected - 1));
      }
      expected++;
    }
    List<Update> updates = events.stream().map(Event::update).toList();
    try {
      runScript(events.get(0).sequence(), updates, null, System.currentTimeMillis()).join();
    } catch (CompletionException e) {
      Throwable cause = cause(e);
      if (cause instanceof RedisCommandExecutionException refused
          && refused.getMessage() != null
          && refused.getMessage().contains("HERALD_SEQUENCE")) {
        throw new IllegalStateException(
            refused.getMessage().substring(refused.getMessage().indexOf("sequence")));
      }
      throw unavailable("append failed", cause);
    }
  }

  /** Blocks for one round trip: run it on {@link #readExecutor()}. */
  @Override
  public List<Event> read(long afterSequence, long upToSequence, int max) {
    if (max <= 0 || afterSequence >= upToSequence) {
      return List.of();
    }
    List<StreamMessage<String, String>> entries =
        reads
            .sync()
            .xrange(
                keys.stream(),
                Range.create(
                    StreamEntries.entryId(afterSequence + 1), StreamEntries.entryId(upToSequence)),
                Limit.from(max));
    return StreamEntries.toEvents(entries, false);
  }

  @Override
  public CompletableFuture<Long> findSequence(String id) {
    return commands
        .async()
        .zscore(keys.ids(), id)
        .toCompletableFuture()
        .handle(
            (score, failure) -> {
              if (failure != null) {
                throw new CompletionException(unavailable("lookup failed", failure));
              }
              return score == null ? -1L : score.longValue();
            });
  }

  /** Blocks for one round trip. */
  public long sequenceOf(String id) {
    Double score = commands.sync().zscore(keys.ids(), id);
    return score == null ? -1 : score.longValue();
  }

  /** The newest sequence in the stream; blocks for one round trip. */
  public long lastSequence() {
    String stored = commands.sync().get(keys.sequence());
    return stored == null ? 0 : Long.parseLong(stored);
  }

  /** Blocks for one round trip. */
  public String lastId() {
    List<StreamMessage<String, String>> newest =
        commands.sync().xrevrange(keys.stream(), Range.create("-", "+"), Limit.from(1));
    return newest.isEmpty() ? null : newest.get(0).getBody().get("i");
  }

  /**
   * What the stream retains up to the last event this node delivered: exact trimming keeps the
   * newest {@code history-size}. -1 before the tail starts, as it would take a round trip.
   */
  @Override
  public long retained() {
    StreamTail current = tail;
    return current == null ? -1 : Math.min(current.delivered(), config.historySize());
  }

  @Override
  public long tailLagNanos() {
    StreamTail current = tail;
    return current == null ? -1 : current.lagNanos();
  }

  @Override
  public Executor readExecutor() {
    return readers;
  }

  @Override
  public synchronized long startTail(Listener listener) {
    if (tail != null) {
      throw new IllegalStateException("tail: already started");
    }
    long start;
    try {
      start = lastSequence();
    } catch (RedisException e) {
      throw new RedisUnavailableException(
          "redis "
              + config.describe()
              + ": cannot read "
              + keys.sequence()
              + " ("
              + oneLine(e)
              + ")",
          e);
    }
    // A blocking read must end well within the command timeout, which applies to it too.
    Duration block =
        config.tailBlock().compareTo(config.commandTimeout().dividedBy(2)) < 0
            ? config.tailBlock()
            : config.commandTimeout().dividedBy(2);
    StreamTail started =
        new StreamTail(
            tailConnection.sync(),
            keys,
            listener,
            start,
            config.tailBatch(),
            block,
            config.maxTailLag());
    tailThread = new Thread(started, "herald-redis-tail");
    tailThread.setDaemon(true);
    tail = started;
    tailThread.start();
    return start;
  }

  @Override
  public Readiness readiness() {
    if (!commands.isOpen()) {
      return Readiness.notReady("redis " + config.describe() + " unreachable: cannot publish");
    }
    StreamTail current = tail;
    return current == null ? Readiness.notReady("the tail has not started") : current.readiness();
  }

  /** Stops the tail and the readers (reads in flight finish), then closes the connections. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    StreamTail current = tail;
    if (current != null) {
      current.stop();
      // Closing its connection ends a read still blocked in Redis at once.
      tailConnection.close();
      try {
        tailThread.join(config.tailBlock().toMillis() + 1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    readers.shutdown();
    try {
      readers.awaitTermination(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (StatefulRedisConnection<String, String> connection :
        List.of(tailConnection, reads, commands)) {
      connection.close(); // closing twice is harmless
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** A 503 whose reason names this Redis (password masked), what failed and why. */
  private HubException unavailable(String what, Throwable failure) {
    Throwable cause = cause(failure);
    if (cause instanceof HubException e) {
      return e;
    }
    return new HubException(
        HubException.Kind.UNAVAILABLE,
        "redis "
            + config.describe().replaceFirst("^redis://", "")
            + ": "
            + what
            + ": "
            + oneLine(cause));
  }

  private static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String oneLine(Throwable failure) {
    String message = failure.getMessage();
    if (message == null) {
      return failure.getClass().getSimpleName();
    }
    // Lettuce's connection errors name the cause after a line break; keep one line.
    return message.replace('\n', ' ').replace('\r', ' ');
  }

  private static String loadScript() {
    try (InputStream in = RedisLog.class.getResourceAsStream("append.lua")) {
      if (in == null) {
        throw new IllegalStateException("append.lua is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("append.lua cannot be read: " + e, e);
    }
  }
}
