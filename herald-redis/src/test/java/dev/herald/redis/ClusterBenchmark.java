package dev.herald.redis;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.server.HeraldServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a Redis-backed cluster costs: 1,000 subscribers over real sockets, a publisher at a fixed
 * rate over HTTP to one node, and the deliveries per second and publish-to-receive latency the
 * subscribers see; then the acknowledgement time of sequential publishes with nobody subscribed,
 * the cost Redis adds per publish. Three setups: one node with the local (memory) history, one node
 * over Redis, and two nodes over Redis with the subscribers split between them and the publisher on
 * the first. Everything runs on this machine: redis-server, the nodes, the subscribers' client (one
 * Netty event loop) and the publisher (JDK HTTP client).
 *
 * <pre>
 * java -cp ... dev.herald.redis.ClusterBenchmark local|redis1|redis2|all [RATE [SECONDS]]
 * </pre>
 *
 * Each setup runs 3 s of warm-up and SECONDS (default 10) measured, plus about 3 s of
 * acknowledgement timing. Runs on its main thread, the client's event loop and the publisher's HTTP
 * client threads.
 */
public final class ClusterBenchmark {

  private static final int SUBSCRIBERS = 1_000;
  private static final String TOPIC = "https://example.com/books/1";

  /** After the publish time stamp: about 150 bytes of data in all, a small JSON document. */
  private static final String PADDING =
      " {\"@id\":\"/books/1\","
          + "\"title\":\"The Left Hand of Darkness\","
          + "\"author\":\"Ursula K. Le Guin\",\"isbn\":\"9780441478125\",\"price\":9.99}";

  private static final int MAX_IN_FLIGHT = 256;
  private static final int ACK_PUBLISHES = 2_000;

  /**
   * Only events published in [start, end) of the measured window are counted, so what the warm-up
   * left queued does not inflate the figures. Written by main, read by the client loop.
   */
  private static volatile long windowStart = Long.MAX_VALUE;

  private static volatile long windowEnd = Long.MAX_VALUE;
  private static final java.util.concurrent.atomic.LongAdder inWindow =
      new java.util.concurrent.atomic.LongAdder();

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ClusterBenchmark local|redis1|redis2|all [RATE [SECONDS]]");
      System.exit(2);
    }
    String part = args[0];
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    System.out.printf(
        "# cluster benchmark: %d cores, %s %s, %d subscribers, %d publishes/s,"
            + " %d s measured%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        SUBSCRIBERS,
        rate,
        seconds);
    Path dir = Files.createTempDirectory("herald-cluster-bench");
    try (RedisServer redis = part.equals("local") ? null : RedisServer.start(dir, false)) {
      if (part.equals("local") || part.equals("all")) {
        run("local, 1 node ", List.of(localNode()), rate, seconds);
      }
      if (part.equals("redis1") || part.equals("all")) {
        run("redis, 1 node ", List.of(redisNode(redis, "one:")), rate, seconds);
      }
      if (part.equals("redis2") || part.equals("all")) {
        run(
            "redis, 2 nodes",
            List.of(redisNode(redis, "two:"), redisNode(redis, "two:")),
            rate,
            seconds);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static HeraldServer localNode() throws InterruptedException {
    Hub hub = new Hub(HubConfig.DEFAULTS);
    return HeraldServer.builder(Node.serverConfig(0).hub(hub.config()).build()).hub(hub).start();
  }

  private static HeraldServer redisNode(RedisServer redis, String prefix)
      throws InterruptedException {
    RedisLog log =
        RedisLog.connect(RedisConfig.DEFAULTS.withUri(redis.uri()).withKeyPrefix(prefix));
    Hub hub = new Hub(HubConfig.DEFAULTS, log);
    return HeraldServer.builder(Node.serverConfig(0).hub(hub.config()).build()).hub(hub).start();
  }

  private static void run(String name, List<HeraldServer> nodes, int rate, int seconds)
      throws Exception {
    Recorder received = new Recorder(3);
    EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      for (int i = 0; i < SUBSCRIBERS; i++) {
        subscribe(clients, nodes.get(i % nodes.size()).port(), received);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (nodes.stream().mapToInt(n -> n.hub().subscriberCount()).sum() < SUBSCRIBERS) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("subscribers not all registered within 30 s");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      String publishTo = Node.base(nodes.get(0).port());
      windowStart = Long.MAX_VALUE;
      windowEnd = Long.MAX_VALUE;
      publishAtRate(http, publishTo, rate, Duration.ofSeconds(3), new Recorder(3));
      received.getIntervalHistogram();
      Recorder acknowledged = new Recorder(3);
      inWindow.reset();
      windowStart = System.nanoTime();
      PublishResult result =
          publishAtRate(http, publishTo, rate, Duration.ofSeconds(seconds), acknowledged);
      windowEnd = windowStart + result.elapsedNanos;
      // Let the last events of the window arrive (bounded) before it is read.
      long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < drainDeadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        if (inWindow.sum() >= result.sent * SUBSCRIBERS) {
          break;
        }
      }
      Histogram latency = received.getIntervalHistogram();
      Histogram acks = acknowledged.getIntervalHistogram();
      double window = result.elapsedNanos / 1e9;
      System.out.printf(
          "%s: %,d publishes at %,.0f/s (%d failed) -> %,.0f deliveries/s"
              + " (%.1f%% of %d per publish); publish-to-receive p50 %.2f ms, p99 %.2f ms,"
              + " max %.1f ms; POST ack p50 %.2f ms, p99 %.2f ms%n",
          name,
          result.sent,
          result.sent / window,
          result.failed,
          latency.getTotalCount() / window,
          100.0 * latency.getTotalCount() / Math.max(1, result.sent * (long) SUBSCRIBERS),
          SUBSCRIBERS,
          ms(latency.getValueAtPercentile(50)),
          ms(latency.getValueAtPercentile(99)),
          ms(latency.getMaxValue()),
          ms(acks.getValueAtPercentile(50)),
          ms(acks.getValueAtPercentile(99)));
    } finally {
      clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    // Nobody subscribed: how long one publish takes to be acknowledged, one at a time.
    Histogram sequential = new Histogram(3);
    String base = Node.base(nodes.get(0).port());
    for (int i = 0; i < ACK_PUBLISHES; i++) {
      long sent = System.nanoTime();
      HttpResponse<String> response =
          http.send(request(base, sent), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        sequential.recordValue(System.nanoTime() - sent);
      }
    }
    System.out.printf(
        "%s: sequential publish, nobody subscribed: ack mean %.3f ms, p50 %.3f ms,"
            + " p99 %.3f ms (%d publishes)%n",
        name,
        sequential.getMean() / 1e6,
        ms(sequential.getValueAtPercentile(50)),
        ms(sequential.getValueAtPercentile(99)),
        sequential.getTotalCount());
    nodes.forEach(HeraldServer::close);
  }

  private record PublishResult(long sent, long failed, long elapsedNanos) {}

  /** Publishes at a fixed rate for {@code duration}, each POST timed into {@code acks}. */
  private static PublishResult publishAtRate(
      HttpClient http, String base, int rate, Duration duration, Recorder acks)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    AtomicLong failed = new AtomicLong();
    long interval = 1_000_000_000L / rate;
    long started = System.nanoTime();
    long end = started + duration.toNanos();
    long sent = 0;
    for (long next = started; next < end; next += interval) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      inFlight.acquire();
      long stamp = System.nanoTime();
      CompletableFuture<HttpResponse<Void>> response =
          http.sendAsync(request(base, stamp), HttpResponse.BodyHandlers.discarding());
      response.whenComplete(
          (r, e) -> {
            if (e != null || r.statusCode() != 200) {
              failed.incrementAndGet();
            } else {
              acks.recordValue(System.nanoTime() - stamp);
            }
            inFlight.release();
          });
      sent++;
    }
    inFlight.acquire(MAX_IN_FLIGHT);
    inFlight.release(MAX_IN_FLIGHT);
    return new PublishResult(sent, failed.get(), System.nanoTime() - started);
  }

  private static HttpRequest request(String base, long stamp) {
    String form = "topic=" + Node.enc(TOPIC) + "&data=" + Node.enc(stamp + PADDING);
    return HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Bearer " + Node.PUBLISHER)
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void subscribe(EventLoopGroup group, int port, Recorder received)
      throws InterruptedException {
    byte[] get =
        ("GET /.well-known/mercure?topic="
                + Node.enc(TOPIC)
                + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:"
                + port
                + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new StampReader(received));
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    channel.writeAndFlush(Unpooled.wrappedBuffer(get));
  }

  /**
   * Finds each {@code data: <nanoTime>} line in the raw response bytes (headers and chunk sizes
   * never contain it) and records its age: a parser this cheap keeps the client's cost out of the
   * figures. Runs on the client's event loop.
   */
  private static final class StampReader extends ChannelInboundHandlerAdapter {
    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private final Recorder received;
    private int matched;
    private boolean inNumber;
    private long value;

    StampReader(Recorder received) {
      this.received = received;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      long now = System.nanoTime();
      try {
        for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
          byte b = bytes.getByte(i);
          if (inNumber) {
            if (b >= '0' && b <= '9') {
              value = value * 10 + (b - '0');
              continue;
            }
            inNumber = false;
            if (value >= windowStart && value < windowEnd) {
              received.recordValue(Math.max(0, now - value));
              inWindow.increment();
            }
          }
          if (b == PREFIX[matched]) {
            if (++matched == PREFIX.length) {
              matched = 0;
              inNumber = true;
              value = 0;
            }
          } else {
            matched = b == PREFIX[0] ? 1 : 0;
          }
        }
      } finally {
        bytes.release();
      }
    }
  }
}
