package dev.herald.redis;

import dev.herald.core.EventIds;
import dev.herald.core.Hub;
import dev.herald.core.RateLimitedLog;
import dev.herald.core.Update;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.dispatch.SubscriptionCursor;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.dispatch.SubscriptionsPage;
import dev.herald.core.dispatch.SubscriptionsQuery;
import dev.herald.core.presence.Occupancy;
import dev.herald.core.presence.Presence;
import dev.herald.core.presence.PresenceBook;
import dev.herald.core.presence.PresenceEntry;
import dev.herald.core.presence.PresenceEvents;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide presence over Redis: every node writes its own subscriptions to a hash of its own
 * and every change to one stream, keeps a lease key alive, and keeps a replica of everybody's
 * subscriptions ({@link PresenceBook}) fed by that stream, so any node answers the subscriptions
 * API and presence counts from memory, never by asking the others.
 *
 * <p><b>Keys</b> (after the configured prefix): {@code presence:nodes} (a set of node ids), {@code
 * presence:node:ID} (a hash: the node's subscriptions, by their API position), {@code
 * presence:lease:ID} (expires after the lease unless renewed), {@code presence:changes} (the stream
 * of adds, removes and node deaths, capped).
 *
 * <p><b>Death</b>: every node looks at the others' leases every third of a lease; a node whose
 * lease expired is buried by one Lua script that checks the lease, removes the node from the set,
 * deletes its hash and appends its death to the stream, atomically: whichever node runs it first
 * gets the dead node's subscriptions back and announces them inactive (subscription events and
 * webhooks), once; the others get nothing. A node buried while alive (a long pause, a partition)
 * notices at its next renewal and writes its subscriptions again.
 *
 * <p><b>Order</b>: every node applies the stream in the same order, so the counts that decide
 * occupied and vacated topics agree, and the node whose change made a transition reports it.
 *
 * <p>Threading: {@link #changed} runs on event loops and only updates memory and queues the change;
 * one thread ({@code herald-presence}) writes changes, renews the lease and buries the dead,
 * another ({@code herald-presence-tail}) reads the stream; readers of the replica use any thread.
 */
public final class RedisPresence implements Presence {

  private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);
  private static final RateLimitedLog failures = new RateLimitedLog(log);

  /** Changes one write sends at most. */
  private static final int WRITE_BATCH = 256;

  /** Stream entries one read of the tail takes at most. */
  private static final int TAIL_BATCH = 1_000;

  /** Changes the stream keeps (approximately): far more than any node falls behind by. */
  private static final long STREAM_LENGTH = 100_000;

  /**
   * KEYS nodes, hash, changes, lease; ARGV node, lease ms, stream length, then (op, field, value)
   * triples: joins the node (answering 1 when it was not a member), renews its lease, applies and
   * logs the changes.
   */
  private static final String WRITE =
      """
      local joined = redis.call('SADD', KEYS[1], ARGV[1])
      redis.call('SET', KEYS[4], '1', 'PX', ARGV[2])
      for i = 4, #ARGV, 3 do
        if ARGV[i] == 'a' then
          redis.call('HSET', KEYS[2], ARGV[i + 1], ARGV[i + 2])
        else
          redis.call('HDEL', KEYS[2], ARGV[i + 1])
        end
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*',
          'n', ARGV[1], 'o', ARGV[i], 'f', ARGV[i + 1], 'v', ARGV[i + 2])
      end
      return joined
      """;

  /**
   * KEYS nodes, hash, changes, lease; ARGV dead node, burier, stream length, whether the lease must
   * have expired ('1'; '0' for a goodbye): the dead node's subscriptions (field, value, ...), or
   * false when it is alive or somebody buried it already.
   */
  private static final String BURY =
      """
      if ARGV[4] == '1' and redis.call('EXISTS', KEYS[4]) == 1 then return false end
      if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return false end
      local all = redis.call('HGETALL', KEYS[2])
      redis.call('DEL', KEYS[2], KEYS[4])
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*',
        'n', ARGV[2], 'o', 'd', 'f', ARGV[1], 'v', '')
      return all
      """;

  private record Change(String op, String field, String value) {}

  private final String node = "node-" + UUID.randomUUID();
  private final RedisConfig config;
  private final Duration lease;
  private final Hub hub;
  private final String nodesKey;
  private final String changesKey;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> commands;
  private final StatefulRedisConnection<String, String> tail;
  private final ScheduledExecutorService thread;
  private final Thread tailThread;

  private final PresenceBook book = new PresenceBook();
  private final PresenceCodec codec;
  private final Occupancy occupancy = new Occupancy();
  private volatile PresenceEvents events = PresenceEvents.NONE;

  /** This node's live subscriptions, encoded: what it writes again after being buried alive. */
  private final Map<String, String> mine = new ConcurrentHashMap<>();

  /** Changes not written yet, at most one per field (an add and its remove cancel). */
  private final LinkedHashMap<String, Change> pending = new LinkedHashMap<>(); // guarded by itself

  private final AtomicBoolean flushQueued = new AtomicBoolean();

  // The tail thread's own (set up by open before the thread starts).
  private final Map<String, Map<String, String>> byNode = new HashMap<>(); // node → field → topic
  private String lastSeen;

  private volatile String lastApplied = "0-0";
  private volatile boolean joined; // the scheduler's: written once the first write succeeded
  private volatile boolean running = true;
  private volatile boolean leaving; // set on the presence thread by the goodbye: no more writes

  private RedisPresence(
      RedisConfig config,
      Duration lease,
      Hub hub,
      PresenceCodec codec,
      ClientResources resources,
      RedisClient client,
      StatefulRedisConnection<String, String> commands,
      StatefulRedisConnection<String, String> tail) {
    this.config = config;
    this.lease = lease;
    this.hub = hub;
    this.codec = codec;
    this.nodesKey = config.keyPrefix() + "presence:nodes";
    this.changesKey = config.keyPrefix() + "presence:changes";
    this.resources = resources;
    this.client = client;
    this.commands = commands;
    this.tail = tail;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread t = new Thread(task, "herald-presence");
              t.setDaemon(true);
              return t;
            });
    this.tailThread = new Thread(this::tailLoop, "herald-presence-tail");
    this.tailThread.setDaemon(true);
  }

  /**
   * Connects, loads the cluster's subscriptions, joins the cluster and starts tailing; attach the
   * result with {@link Hub#usePresence} before subscribers arrive.
   *
   * @param lease how long a silent node stays alive for the others; renewed every third of it
   * @param formats the subscription formats of the protocols the cluster speaks (the server's
   *     {@code SubscriptionFormats.ALL}): each entry is read back in the one it names
   * @throws RedisUnavailableException if Redis cannot be reached
   */
  public static RedisPresence open(
      RedisConfig config, Duration lease, Hub hub, List<SubscriptionFormat> formats) {
    if (lease.toMillis() < 300) {
      throw new IllegalArgumentException("presence-lease: " + lease + " (expected: >= 300 ms)");
    }
    PresenceCodec codec = new PresenceCodec(formats);
    Duration timeout = config.commandTimeout();
    ClientResources resources = RedisClients.smallResources();
    RedisClient client = RedisClients.failFast(resources, timeout);
    List<StatefulRedisConnection<String, String>> opened = new ArrayList<>();
    try {
      StatefulRedisConnection<String, String> commands = connect(client, config, "herald-presence");
      opened.add(commands);
      StatefulRedisConnection<String, String> tail =
          connect(client, config, "herald-presence-tail");
      opened.add(tail);
      tail.setTimeout(Duration.ofSeconds(1).plus(timeout));
      RedisPresence presence =
          new RedisPresence(config, lease, hub, codec, resources, client, commands, tail);
      presence.load();
      presence.start();
      return presence;
    } catch (RuntimeException e) {
      opened.forEach(StatefulRedisConnection::close);
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new RedisUnavailableException(
          "redis " + config.describe() + ": presence cannot start (" + e.getMessage() + ")", e);
    }
  }

  private static StatefulRedisConnection<String, String> connect(
      RedisClient client, RedisConfig config, String name) {
    RedisURI uri = config.redisUri();
    uri.setClientName(name);
    return client.connect(StringCodec.UTF8, uri);
  }

  /** This node's id in the cluster's presence keys. */
  public String node() {
    return node;
  }

  /** The cluster's subscriptions as of now: where the tail starts, then every node's hash. */
  private void load() {
    RedisCommands<String, String> redis = commands.sync();
    List<StreamMessage<String, String>> newest =
        redis.xrevrange(changesKey, Range.create("-", "+"), Limit.create(0, 1));
    lastSeen = newest.isEmpty() ? "0-0" : newest.get(0).getId();
    for (String other : redis.smembers(nodesKey)) {
      for (Map.Entry<String, String> field : redis.hgetall(hashKey(other)).entrySet()) {
        added(other, field.getKey(), field.getValue());
      }
    }
    lastApplied = lastSeen;
  }

  private void start() {
    write(List.of()); // joins the cluster and takes the lease before anyone may see subscribers
    tailThread.start();
    long tick = Math.max(100, lease.toMillis() / 3);
    thread.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
  }

  @Override
  public void changed(Subscriber subscriber, boolean active) {
    if (!running) {
      return;
    }
    PresenceEvents told = events;
    for (PresenceEntry entry : PresenceEntry.of(subscriber, active)) {
      String field = entry.position().encode();
      if (active) {
        String value = PresenceCodec.encode(entry);
        book.put(entry);
        mine.put(field, value);
        queue(new Change("a", field, value));
      } else {
        book.remove(entry.position());
        String value = mine.remove(field);
        if (value != null) {
          queue(new Change("r", field, value));
        }
      }
      told.subscriptionChanged(entry.subscription());
    }
    if (!flushQueued.getAndSet(true)) {
      try {
        thread.execute(this::flush);
      } catch (RejectedExecutionException closing) {
        flushQueued.set(false);
      }
    }
  }

  private void queue(Change change) {
    synchronized (pending) {
      Change before = pending.get(change.field());
      if (before != null && before.op().equals("a") && change.op().equals("r")) {
        pending.remove(change.field()); // never written: nobody needs to hear of it
      } else {
        pending.put(change.field(), change);
      }
    }
  }

  /** Writes what is pending (on the presence thread). */
  private void flush() {
    flushQueued.set(false);
    while (running && !leaving) {
      List<Change> batch = new ArrayList<>();
      synchronized (pending) {
        Iterator<Change> waiting = pending.values().iterator();
        while (waiting.hasNext() && batch.size() < WRITE_BATCH) {
          batch.add(waiting.next());
          waiting.remove();
        }
      }
      if (batch.isEmpty() || !write(batch)) {
        return;
      }
    }
  }

  /** Renews the lease with whatever is pending, and buries the dead. */
  private void tick() {
    if (leaving) {
      return;
    }
    try {
      if (write(List.of())) {
        flush();
      }
      buryTheDead();
    } catch (RuntimeException e) {
      failures.warn("presence: {}", e.toString());
    }
  }

  /**
   * One write: the changes, the lease and the membership. On failure the changes are pending again
   * and the next tick retries. Answers whether it succeeded.
   */
  private boolean write(List<Change> batch) {
    List<String> args = new ArrayList<>(3 + batch.size() * 3);
    args.add(node);
    args.add(Long.toString(lease.toMillis()));
    args.add(Long.toString(STREAM_LENGTH));
    for (Change change : batch) {
      args.add(change.op());
      args.add(change.field());
      args.add(change.value());
    }
    Long newlyJoined;
    try {
      newlyJoined =
          commands
              .sync()
              .eval(
                  WRITE,
                  ScriptOutputType.INTEGER,
                  new String[] {nodesKey, hashKey(node), changesKey, leaseKey(node)},
                  args.toArray(new String[0]));
    } catch (RuntimeException e) {
      failures.warn("presence: write to {} failed: {}", config.describe(), e.toString());
      synchronized (pending) {
        for (Change change : batch) {
          Change later = pending.get(change.field());
          if (later != null) {
            pending.remove(change.field()); // its add failed and its remove waits: neither
          } else {
            pending.put(change.field(), change);
          }
        }
      }
      return false;
    }
    if (newlyJoined != null && newlyJoined == 1 && joined) {
      log.warn("presence: this node {} was taken for dead; writing its subscriptions again", node);
      rewriteMine();
    }
    joined = true;
    return true;
  }

  /** Queues every live subscription of this node again (after it was buried alive). */
  private void rewriteMine() {
    synchronized (pending) {
      for (Map.Entry<String, String> entry : mine.entrySet()) {
        pending.putIfAbsent(entry.getKey(), new Change("a", entry.getKey(), entry.getValue()));
      }
    }
  }

  private void buryTheDead() {
    for (String other : commands.sync().smembers(nodesKey)) {
      if (!other.equals(node)) {
        bury(other, true);
      }
    }
  }

  /**
   * Buries {@code dead} if its lease expired ({@code expired}) or unconditionally (a goodbye), and
   * when this node won, announces its subscriptions inactive.
   */
  private void bury(String dead, boolean expired) {
    List<Object> all =
        commands
            .sync()
            .eval(
                BURY,
                ScriptOutputType.MULTI,
                new String[] {nodesKey, hashKey(dead), changesKey, leaseKey(dead)},
                dead,
                node,
                Long.toString(STREAM_LENGTH),
                expired ? "1" : "0");
    if (all == null || !expired) {
      return;
    }
    log.info("presence: node {} stopped renewing its lease; its subscriptions end", dead);
    PresenceEvents told = events;
    for (int i = 1; i < all.size(); i += 2) {
      PresenceEntry entry;
      try {
        entry = codec.decode(String.valueOf(all.get(i)), false);
      } catch (IllegalArgumentException e) {
        failures.warn("presence: node {} left an entry this node cannot read: {}", dead, e);
        continue;
      }
      ActiveSubscription ended = entry.subscription();
      told.subscriptionChanged(ended);
      if (hub.config().subscriptionEvents()) {
        hub.publish(
                new Update(
                    List.of(ended.id()),
                    ended.toJson(),
                    true,
                    EventIds.next(),
                    ended.format().eventType(),
                    null))
            .whenComplete(
                (event, failure) -> {
                  if (failure != null) {
                    failures.warn("presence: the end of {} not published: {}", ended.id(), failure);
                  }
                });
      }
    }
  }

  private void tailLoop() {
    XReadArgs args = XReadArgs.Builder.block(Duration.ofSeconds(1)).count(TAIL_BATCH);
    long backoff = 50;
    boolean cutOff = false;
    while (running) {
      try {
        if (cutOff) {
          // The stream is capped: what it dropped while this node could not read is gone from it,
          // so the replica is made whole again from the nodes' hashes.
          resync();
          cutOff = false;
        }
        List<StreamMessage<String, String>> read =
            tail.sync().xread(args, XReadArgs.StreamOffset.from(changesKey, lastSeen));
        for (StreamMessage<String, String> message : read) {
          apply(message.getBody());
          lastSeen = message.getId();
        }
        if (!read.isEmpty()) {
          lastApplied = lastSeen;
        }
        backoff = 50;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        failures.warn("presence: reading {} failed: {}", changesKey, e.toString());
        cutOff = true;
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
        backoff = Math.min(2_000, backoff * 2);
      }
    }
  }

  /** One change of the stream, in the cluster's order (on the tail thread). */
  private void apply(Map<String, String> change) {
    String author = change.get("n");
    String op = change.get("o");
    String field = change.get("f");
    if (author == null || op == null || field == null) {
      return;
    }
    boolean mineToReport = author.equals(node);
    switch (op) {
      case "a" -> added(author, field, change.get("v"));
      case "r" -> {
        Map<String, String> fields = byNode.get(author);
        String topic = fields == null ? null : fields.remove(field);
        if (topic != null) {
          occupancy.change(topic, -1, mineToReport);
          if (!author.equals(node)) {
            book.remove(SubscriptionCursor.decode(field));
          }
        }
      }
      case "d" -> {
        Map<String, String> fields = byNode.remove(field);
        if (fields != null) {
          for (Map.Entry<String, String> entry : fields.entrySet()) {
            occupancy.change(entry.getValue(), -1, mineToReport);
            if (!field.equals(node)) {
              book.remove(SubscriptionCursor.decode(entry.getKey()));
            }
          }
        }
      }
      default -> failures.warn("presence: unknown change {} in {}", op, changesKey);
    }
  }

  /**
   * Makes the replica of the other nodes what their hashes hold now (on the tail thread), then
   * tails on from the newest change. What changed meanwhile was reported by the nodes that saw it
   * happen, so nothing is reported here. This node's own entries are left to the stream, which
   * carries every write of its own.
   */
  private void resync() {
    RedisCommands<String, String> redis = tail.sync();
    List<StreamMessage<String, String>> newest =
        redis.xrevrange(changesKey, Range.create("-", "+"), Limit.create(0, 1));
    Map<String, Map<String, String>> now = new HashMap<>();
    for (String other : redis.smembers(nodesKey)) {
      if (!other.equals(node)) {
        now.put(other, redis.hgetall(hashKey(other)));
      }
    }
    for (String other : new ArrayList<>(byNode.keySet())) {
      if (other.equals(node)) {
        continue;
      }
      Map<String, String> fields = byNode.get(other);
      Map<String, String> present = now.getOrDefault(other, Map.of());
      for (String field : new ArrayList<>(fields.keySet())) {
        if (!present.containsKey(field)) {
          occupancy.change(fields.remove(field), -1, false);
          book.remove(SubscriptionCursor.decode(field));
        }
      }
      if (fields.isEmpty()) {
        byNode.remove(other);
      }
    }
    for (Map.Entry<String, Map<String, String>> other : now.entrySet()) {
      for (Map.Entry<String, String> field : other.getValue().entrySet()) {
        added(other.getKey(), field.getKey(), field.getValue());
      }
    }
    if (!newest.isEmpty()) {
      lastSeen = newest.get(0).getId();
      lastApplied = lastSeen;
    }
    log.info("presence: replica of {} made whole again after the tail was cut off", changesKey);
  }

  private void added(String author, String field, String value) {
    if (value == null) {
      return;
    }
    try {
      Map<String, String> fields = byNode.computeIfAbsent(author, n -> new HashMap<>());
      if (fields.containsKey(field)) {
        return; // read twice: from the hash at start-up and from the stream
      }
      String topic = PresenceCodec.topic(value);
      if (!author.equals(node)) {
        book.put(codec.decode(value, true));
      }
      fields.put(field, topic);
      occupancy.change(topic, 1, author.equals(node));
    } catch (IllegalArgumentException e) {
      failures.warn("presence: node {} wrote an entry this node cannot read: {}", author, e);
    }
  }

  @Override
  public CompletableFuture<SubscriptionsPage> subscriptions(SubscriptionsQuery query) {
    return CompletableFuture.completedFuture(book.page(query, hub.lastEventId()));
  }

  @Override
  public int count(String topic) {
    return book.count(topic);
  }

  @Override
  public int total() {
    return book.size();
  }

  @Override
  public void tell(PresenceEvents events) {
    this.events = events;
    occupancy.tell(events);
  }

  /**
   * Says goodbye: writes what is pending, then removes this node and its subscriptions from the
   * cluster at once (the others need not wait for the lease), lets the tail read that far (so the
   * topics this node vacates are reported), then stops and disconnects.
   */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    try {
      thread.submit(this::flush).get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      thread
          .submit(
              () -> {
                leaving = true;
                bury(node, false);
              })
          .get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      String goodbye = newestChange();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (goodbye != null
          && compareIds(lastApplied, goodbye) < 0
          && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    } catch (Exception e) {
      failures.warn("presence: goodbye of {} failed (its lease expires instead): {}", node, e);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    } finally {
      running = false;
      thread.shutdownNow();
      tailThread.interrupt();
      try {
        tailThread.join(TimeUnit.SECONDS.toMillis(3));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      commands.close();
      tail.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /** Stops without a goodbye, as a crashed node would: for tests of death. */
  void abandon() {
    running = false;
    thread.shutdownNow();
    tailThread.interrupt();
    commands.close();
    tail.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private String newestChange() {
    List<StreamMessage<String, String>> newest =
        commands.sync().xrevrange(changesKey, Range.create("-", "+"), Limit.create(0, 1));
    return newest.isEmpty() ? null : newest.get(0).getId();
  }

  private static int compareIds(String a, String b) {
    String[] x = a.split("-", 2);
    String[] y = b.split("-", 2);
    int byTime = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return byTime != 0 ? byTime : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }

  private String hashKey(String id) {
    return config.keyPrefix() + "presence:node:" + id;
  }

  private String leaseKey(String id) {
    return config.keyPrefix() + "presence:lease:" + id;
  }
}
