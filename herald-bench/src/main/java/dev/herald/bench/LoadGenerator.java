package dev.herald.bench;

import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A load generator for Mercure hubs on this machine: opens N SSE subscribers to {@code GET
 * /.well-known/mercure?topic=...}, publishes with {@code POST} (form body, bearer token) at a fixed
 * rate or as fast as K requests in flight allow, with the send time ({@link System#nanoTime}, so
 * sender and receiver must be this process) in {@code data}, and measures deliveries and
 * publish-to-receive latency. Prints one JSON line (see BENCHMARKS.md for the fields).
 *
 * <p>Subscribers speak HTTP/1.1 (one connection each) or HTTP/2 ({@link Protocol}): then each is a
 * stream, spread over a few connections by a {@link ConnectionPlan} made once the hub's first
 * SETTINGS frame is known. Publishers always speak HTTP/1.1.
 *
 * <p>Threading: all connections live on ONE Netty event loop, which owns every counter; the main
 * thread only moves the run through its phases (connect, settle, publish, drain) and reads the
 * counters through tasks submitted to that loop. Every phase has a deadline; a watchdog ends the
 * process if the whole run overshoots {@link Options#hardCapSeconds()}.
 */
public final class LoadGenerator {

  /**
   * Subscribers per local source address: 127.0.0.(1 + i / 20000), to stay clear of port limits.
   */
  static final int SUBSCRIBERS_PER_SOURCE_IP = 20_000;

  private final Options options;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final boolean epoll;
  private final byte[] scratch = new byte[64 * 1024]; // event loop only
  private final byte[][] subscribeRequests; // per topic, HTTP/1.1
  private final String[] subscribeTargets; // per topic, HTTP/1.1 request target
  private final String subscribeHeaders; // HTTP/1.1: after the request target
  private final AsciiString[] subscribePaths; // per topic, HTTP/2 :path
  private final AsciiString authority; // HTTP/2 :authority of the subscribers' port
  private final AsciiString subscriberAuthorization; // HTTP/2 authorization value, or null
  private final SslContext tls; // --protocol h2 only
  private final byte[][] topicFields; // per topic: "topic=<urlencoded>"
  private final byte[] publishHead;

  // ---- event loop state ------------------------------------------------------------------------
  private final Subscriber[] subscribers;
  private final int[] openPerTopic;
  private int nextSubscriber;
  private boolean inConnectMore;
  private ConnectionPlan plan; // HTTP/2: made once the first connection settled
  private Http2Connection[] planned = new Http2Connection[0]; // HTTP/2: by plan index
  private final List<Http2Connection> h2Connections = new ArrayList<>(); // every one opened
  private int connecting;
  private int resolved;
  private int established;
  private int failedConnect;
  private int failedStatus;
  private int failedTimeout;
  private int dropped;
  private long firstConnectNanos;
  private long lastEstablishedNanos;
  private boolean connectPhaseOver;
  private CountDownLatch allResolved;
  private final Latency connectLatency = new Latency();
  private final Latency eventLatency = new Latency();
  private final Latency ackLatency = new Latency();
  private long receiveNanos; // time of the read being parsed
  private long eventsTotal;
  private long eventsWithTimestamp;
  private long expected;
  private long lastEventNanos;
  private final List<PublisherHandler> publishers = new ArrayList<>();
  private boolean publishing;
  private long publishStartNanos;
  private long sent;
  private long acked;
  private long publishFailed;
  private long lastAckNanos;
  private long maxLagNanos;
  private int nextPublisher;
  private ScheduledFuture<?> ticker;
  private boolean closing;

  LoadGenerator(Options options) {
    this.options = options;
    this.epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.loop = group.next();
    this.subscribers = new Subscriber[options.subscribers()];
    this.openPerTopic = new int[options.topics()];
    this.tls = options.protocol() == Protocol.H2 ? Http2Connection.insecureTls() : null;
    String hostHeader = hostHeader(options.port());
    String subscriberToken = null;
    String publisherAuth = "";
    if (options.jwtKey() != null) {
      JwtKey key = JwtKey.parse(options.jwtAlg(), options.jwtKey());
      if (options.subscriberAuth()) {
        subscriberToken = TokenMinter.mint(key, null, List.of("*"), null, null, Clock.systemUTC());
      }
      publisherAuth =
          "Authorization: Bearer "
              + TokenMinter.mint(key, List.of("*"), null, null, null, Clock.systemUTC())
              + "\r\n";
    }
    String subscriberAuth =
        subscriberToken == null ? "" : "Authorization: Bearer " + subscriberToken + "\r\n";
    subscriberAuthorization =
        subscriberToken == null ? null : AsciiString.of("Bearer " + subscriberToken);
    authority = AsciiString.of(hostHeader(options.subscriberPort()));
    subscribeRequests = new byte[options.topics()][];
    subscribeTargets = new String[options.topics()];
    subscribeHeaders =
        " HTTP/1.1\r\nHost: "
            + hostHeader
            + "\r\nAccept: text/event-stream\r\n"
            + subscriberAuth
            + "\r\n";
    subscribePaths = new AsciiString[options.topics()];
    topicFields = new byte[options.topics()][];
    for (int t = 0; t < options.topics(); t++) {
      String topic = URLEncoder.encode(options.topicPrefix() + t, StandardCharsets.UTF_8);
      String target = options.path() + "?topic=" + topic;
      if (options.protocol().http2()) {
        subscribePaths[t] = AsciiString.of(target);
      } else {
        subscribeTargets[t] = target;
        subscribeRequests[t] = ascii("GET " + target + subscribeHeaders);
      }
      topicFields[t] = ascii("topic=" + topic);
    }
    publishHead =
        ascii(
            "POST "
                + options.path()
                + " HTTP/1.1\r\nHost: "
                + hostHeader
                + "\r\n"
                + publisherAuth
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ");
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (Options.UsageRequested e) {
      System.out.print(Options.USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("loadgen: " + e.getMessage());
      System.exit(2);
      return;
    }
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(options.hardCapSeconds()));
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "loadgen: run exceeded its hard cap of "
                      + options.hardCapSeconds()
                      + " s; exiting without a report");
              System.exit(3);
            },
            "loadgen-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Map<String, Object> report = new LoadGenerator(options).run();
    System.out.println(Json.write(report));
    System.out.flush();
    watchdog.interrupt();
  }

  /** Runs every phase and returns the report. Main thread. */
  Map<String, Object> run() throws Exception {
    String loadBefore = loadavg();
    long pid = options.hubPid();
    long heapBefore = -1;
    if (pid > 0 && options.heapProbe()) {
      heapBefore = ProcessStats.liveHeapKb(pid);
    }
    long rssBefore = pid > 0 ? ProcessStats.rssKb(pid) : -1;
    double cpuBefore = pid > 0 ? ProcessStats.cpuSeconds(pid) : -1;
    try {
      // 1. connect
      allResolved = new CountDownLatch(1);
      onLoop(this::startConnecting);
      if (!allResolved.await(options.connectTimeoutSeconds(), TimeUnit.SECONDS)) {
        onLoop(this::endConnectPhase);
      }
      onLoop(() -> connectPhaseOver = true);
      // 2. settle
      pause(options.settleMillis());
      long rssConnected = pid > 0 ? ProcessStats.rssKb(pid) : -1;
      double cpuConnected = pid > 0 ? ProcessStats.cpuSeconds(pid) : -1;
      long heapConnected = -1;
      if (pid > 0 && options.heapProbe()) {
        heapConnected = ProcessStats.liveHeapKb(pid);
      }
      // 3. publish (or hold)
      double[] cpuPublishStart = pid > 0 ? ProcessStats.cpuTimes(pid) : null;
      Map<String, Object[]> threadsStart = pid > 0 ? ProcessStats.threadTimes(pid) : Map.of();
      double selfCpuStart = ProcessStats.cpuSeconds(ProcessHandle.current().pid());
      long wallStart = System.nanoTime();
      if (options.publish()) {
        connectPublishers();
        onLoop(this::startPublishing);
      }
      // For scripts that act during the measured phase (e.g. start a profiler).
      System.err.println("loadgen: phase " + (options.publish() ? "publish" : "hold"));
      pause(TimeUnit.SECONDS.toMillis(options.durationSeconds()));
      if (options.publish()) {
        onLoop(this::stopPublishing);
        // 4. drain: until every publish is answered and every expected event arrived
        long drainDeadline =
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.drainMillis());
        while (System.nanoTime() < drainDeadline && !onLoop(this::drained)) {
          pause(20);
        }
      }
      long wallEnd = System.nanoTime();
      double selfCpu = ProcessStats.cpuSeconds(ProcessHandle.current().pid()) - selfCpuStart;
      long rssEnd = pid > 0 ? ProcessStats.rssKb(pid) : -1;
      double[] cpuEnd = pid > 0 ? ProcessStats.cpuTimes(pid) : null;
      Map<String, Object[]> threadsEnd = pid > 0 ? ProcessStats.threadTimes(pid) : Map.of();
      Map<String, Object> report = onLoop(this::counters);
      Map<String, Object> hub = new LinkedHashMap<>();
      hub.put("pid", pid > 0 ? pid : null);
      int conns = (Integer) report.get("connections");
      if (pid > 0) {
        hub.put("rss_kb_before", rssBefore);
        hub.put("rss_kb_connected", rssConnected);
        hub.put("rss_kb_end", rssEnd);
        hub.put("kb_per_conn_rss", conns == 0 ? null : (rssConnected - rssBefore) / (double) conns);
        if (options.heapProbe()) {
          hub.put("heap_kb_before", heapBefore);
          hub.put("heap_kb_connected", heapConnected);
          hub.put(
              "kb_per_conn_heap",
              conns == 0 || heapBefore < 0 || heapConnected < 0
                  ? null
                  : (heapConnected - heapBefore) / (double) conns);
        }
        hub.put("cpu_s_connect", cpuConnected - cpuBefore);
        boolean cpuKnown = cpuPublishStart != null && cpuEnd != null;
        double cpuUser = cpuKnown ? cpuEnd[0] - cpuPublishStart[0] : -1;
        double cpuSystem = cpuKnown ? cpuEnd[1] - cpuPublishStart[1] : -1;
        double cpuPublish = cpuKnown ? cpuUser + cpuSystem : -1;
        hub.put("cpu_s_publish", cpuPublish);
        hub.put("cpu_s_publish_user", cpuUser);
        hub.put("cpu_s_publish_sys", cpuSystem);
        hub.put("cpu_s_publish_by_thread", ProcessStats.threadGroupDelta(threadsStart, threadsEnd));
        @SuppressWarnings("unchecked")
        Map<String, Object> events = (Map<String, Object>) report.get("events");
        long withTs = (Long) events.get("with_ts");
        hub.put("events_per_cpu_s", cpuPublish > 0 ? withTs / cpuPublish : null);
      }
      report.put("hub", hub);
      double wall = (wallEnd - wallStart) / 1e9;
      Map<String, Object> self = new LinkedHashMap<>();
      self.put("cpu_s", selfCpu);
      self.put("cpu_util", wall > 0 ? selfCpu / wall : null);
      self.put("transport", epoll ? "epoll" : "nio");
      report.put("loadgen", self);
      report.put("loadavg_before", loadBefore);
      report.put("loadavg_after", loadavg());
      return report;
    } finally {
      try {
        onLoop(this::closeAll);
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Releases the event loop of a generator that never ran. */
  void close() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  // ---- subscribers (event loop) ----------------------------------------------------------------

  private void startConnecting() {
    firstConnectNanos = System.nanoTime();
    if (options.subscribers() == 0) {
      allResolved.countDown();
      return;
    }
    if (options.protocol().http2()) {
      // The first connection tells the hub's stream limit; the plan, and the others, follow.
      Http2Connection first = openConnection();
      first.whenSettled(() -> planConnections(first));
    } else {
      connectMore();
    }
  }

  /** HTTP/2: spreads the subscribers over enough connections, reusing the first one. */
  private void planConnections(Http2Connection first) {
    if (connectPhaseOver) {
      return;
    }
    plan =
        ConnectionPlan.of(
            options.subscribers(),
            options.connections(),
            first.isReady() ? first.maxConcurrentStreams() : null);
    planned = new Http2Connection[plan.connections()];
    planned[0] = first;
    for (int c = 1; c < planned.length; c++) {
      planned[c] = openConnection();
    }
    connectMore();
  }

  private Http2Connection openConnection() {
    Http2Connection connection = new Http2Connection(options.h2Window());
    h2Connections.add(connection);
    bootstrap(
            connection.initializer(tls, options.host().getHostAddress(), options.subscriberPort()))
        .connect(new InetSocketAddress(options.host(), options.subscriberPort()), sourceAddress(0))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                connection.fail("connect: " + f.cause());
              }
            });
    return connection;
  }

  /**
   * Starts subscribers while fewer than --concurrency are in progress. Not re-entrant: an outcome
   * resolved during the loop (a connection that already failed) leaves the loop to go on.
   */
  private void connectMore() {
    if (inConnectMore) {
      return;
    }
    inConnectMore = true;
    try {
      while (!connectPhaseOver
          && connecting < options.connectConcurrency()
          && nextSubscriber < subscribers.length) {
        int i = nextSubscriber++;
        int topic = i % options.topics();
        connecting++;
        if (options.protocol().http2()) {
          Http2Subscriber handler = new Http2Subscriber(topic);
          subscribers[i] = handler;
          handler.startNanos = System.nanoTime();
          Http2Connection connection = planned[plan.connectionOf(i)];
          connection.whenSettled(() -> openStream(handler, connection));
        } else {
          Http1Subscriber handler = new Http1Subscriber(topic, i);
          subscribers[i] = handler;
          handler.startNanos = System.nanoTime();
          bootstrap(handler)
              .connect(new InetSocketAddress(options.host(), options.port()), sourceAddress(i))
              .addListener(
                  f -> {
                    if (!f.isSuccess()) {
                      resolve(handler, Outcome.CONNECT_FAILED);
                    }
                  });
        }
      }
    } finally {
      inConnectMore = false;
    }
  }

  /** HTTP/2: opens the subscriber's stream and sends its GET as one HEADERS frame. */
  private void openStream(Http2Subscriber handler, Http2Connection connection) {
    if (handler.resolved) {
      return; // timed out while its connection was being set up
    }
    if (!connection.isReady() || !connection.isActive()) {
      resolve(handler, Outcome.CONNECT_FAILED);
      return;
    }
    connection
        .open(handler)
        .addListener(
            (Future<Http2StreamChannel> opened) -> {
              if (!opened.isSuccess()) {
                resolve(handler, Outcome.CONNECT_FAILED);
                return;
              }
              Http2StreamChannel stream = opened.getNow();
              handler.channel = stream;
              Http2Headers headers =
                  new DefaultHttp2Headers()
                      .method(GET)
                      .scheme(tls != null ? HTTPS : HTTP)
                      .authority(authority)
                      .path(subscribePaths[handler.topic])
                      .add(ACCEPT, EVENT_STREAM);
              if (subscriberAuthorization != null) {
                headers.add(AUTHORIZATION, subscriberAuthorization);
              }
              stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
            });
  }

  private static final AsciiString GET = AsciiString.cached("GET");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");
  private static final AsciiString ACCEPT = AsciiString.cached("accept");
  private static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream");
  private static final AsciiString AUTHORIZATION = AsciiString.cached("authorization");

  private Bootstrap bootstrap(ChannelHandler handler) {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, options.connectTimeoutSeconds() * 1000)
            .handler(handler);
    if (epoll) {
      // Let the kernel pick the port at connect(), per destination, instead of at bind().
      bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
    return bootstrap;
  }

  /** 127.0.0.(1 + i / 20000) for an IPv4 target, the kernel's choice otherwise. */
  InetSocketAddress sourceAddress(int i) {
    if (!(options.host() instanceof Inet4Address)) {
      return null;
    }
    int octet = 1 + i / SUBSCRIBERS_PER_SOURCE_IP;
    try {
      return new InetSocketAddress(
          InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) octet}), 0);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private enum Outcome {
    ESTABLISHED,
    CONNECT_FAILED,
    BAD_STATUS,
    TIMED_OUT
  }

  private void resolve(Subscriber handler, Outcome outcome) {
    if (handler.resolved) {
      return;
    }
    handler.resolved = true;
    connecting--;
    resolved++;
    switch (outcome) {
      case ESTABLISHED -> {
        established++;
        handler.established = true;
        openPerTopic[handler.topic]++;
        lastEstablishedNanos = System.nanoTime();
        connectLatency.record(lastEstablishedNanos - handler.startNanos);
      }
      case CONNECT_FAILED -> failedConnect++;
      case BAD_STATUS -> failedStatus++;
      case TIMED_OUT -> failedTimeout++;
    }
    if (resolved == subscribers.length) {
      allResolved.countDown();
    } else {
      connectMore();
    }
  }

  /** The connect budget ran out: whatever has not answered yet counts as timed out. */
  private void endConnectPhase() {
    connectPhaseOver = true;
    for (int i = 0; i < subscribers.length; i++) {
      Subscriber handler = subscribers[i];
      if (handler == null) {
        failedTimeout++; // never attempted
      } else if (!handler.resolved) {
        resolve(handler, Outcome.TIMED_OUT);
        if (handler.channel != null) {
          handler.channel.close();
        }
      }
    }
  }

  /**
   * One SSE subscriber: its outcome, its events, and what ends it. The pipeline of its HTTP/1.1
   * connection or of its HTTP/2 stream. Event loop only.
   */
  private abstract class Subscriber extends ChannelInboundHandlerAdapter
      implements SseScanner.Listener {

    final int topic;
    final SseScanner scanner = new SseScanner(this);
    long startNanos;
    boolean resolved;
    boolean established;
    Channel channel;

    Subscriber(int topic) {
      this.topic = topic;
    }

    @Override
    public void event(long timestamp) {
      eventsTotal++;
      if (timestamp > 0) {
        eventsWithTimestamp++;
        eventLatency.record(receiveNanos - timestamp);
        lastEventNanos = receiveNanos;
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!resolved) {
        resolve(this, Outcome.CONNECT_FAILED);
      } else if (established && !closing) {
        dropped++;
        openPerTopic[topic]--;
        established = false;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** A subscriber on its own HTTP/1.1 connection. Event loop only. */
  private final class Http1Subscriber extends Subscriber implements ResponseReader.Listener {

    final ResponseReader reader = new ResponseReader(this);
    final ByteSink toReader = reader::feed;

    final int index;

    Http1Subscriber(int topic, int index) {
      super(topic);
      this.index = index;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      ctx.writeAndFlush(
          Unpooled.wrappedBuffer(
              options.idleTemplates() == 0
                  ? subscribeRequests[topic]
                  : subscribeWithIdleTemplates()));
    }

    /** The subscribe request plus templates no topic matches, distinct for every subscriber. */
    private byte[] subscribeWithIdleTemplates() {
      StringBuilder target = new StringBuilder("GET ").append(subscribeTargets[topic]);
      for (int j = 0; j < options.idleTemplates(); j++) {
        target
            .append("&topic=")
            .append(
                URLEncoder.encode(
                    "https://example.com/idle/" + index + "/" + j + "/{id}",
                    StandardCharsets.UTF_8));
      }
      return ascii(target.append(subscribeHeaders).toString());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      receiveNanos = System.nanoTime();
      try {
        feed(buf, toReader);
      } catch (ResponseReader.MalformedResponse e) {
        resolve(this, Outcome.BAD_STATUS);
        ctx.close();
      } finally {
        buf.release();
      }
    }

    @Override
    public void head(int status) {
      if (status == 200) {
        resolve(this, Outcome.ESTABLISHED);
      } else {
        resolve(this, Outcome.BAD_STATUS);
        channel.close();
      }
    }

    @Override
    public void body(byte[] bytes, int offset, int length) {
      if (established) {
        scanner.feed(bytes, offset, length);
      }
    }

    @Override
    public void complete(int status) {
      // The hub ended the stream; channelInactive counts the drop.
    }
  }

  /**
   * A subscriber as one HTTP/2 stream: the response HEADERS frame carries the status, DATA frames
   * the event stream (already de-framed: no chunking). The stream channel returns the bytes read to
   * flow control by itself. When the hub ends or resets the stream, the channel closes. Event loop
   * only.
   */
  private final class Http2Subscriber extends Subscriber {

    final ByteSink toScanner = scanner::feed;
    boolean headersSeen;

    Http2Subscriber(int topic) {
      super(topic);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2DataFrame data) {
          receiveNanos = System.nanoTime();
          if (established) {
            feed(data.content(), toScanner);
          }
        } else if (msg instanceof Http2HeadersFrame headers && !headersSeen) {
          headersSeen = true; // a later HEADERS frame is a trailer
          if (status(headers.headers()) == 200) {
            resolve(this, Outcome.ESTABLISHED);
          } else {
            resolve(this, Outcome.BAD_STATUS);
            ctx.close();
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  /** The {@code :status} of a response, or -1 if it is missing or not a number. */
  private static int status(Http2Headers headers) {
    CharSequence status = headers.status();
    if (status == null) {
      return -1;
    }
    try {
      return Integer.parseInt(status.toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Where {@link #feed} hands bytes: valid only during the call. */
  private interface ByteSink {
    void accept(byte[] bytes, int offset, int length);
  }

  private void feed(ByteBuf buf, ByteSink sink) {
    int index = buf.readerIndex();
    int remaining = buf.readableBytes();
    while (remaining > 0) {
      int n = Math.min(remaining, scratch.length);
      buf.getBytes(index, scratch, 0, n);
      sink.accept(scratch, 0, n);
      index += n;
      remaining -= n;
    }
  }

  // ---- publishers (event loop, except connectPublishers) ---------------------------------------

  private void connectPublishers() throws Exception {
    List<ChannelFuture> futures = new ArrayList<>();
    onLoop(
        () -> {
          for (int c = 0; c < options.publisherConnections(); c++) {
            PublisherHandler handler = new PublisherHandler(options.outstanding());
            publishers.add(handler);
            futures.add(
                bootstrap(handler)
                    .connect(
                        new InetSocketAddress(options.host(), options.port()), sourceAddress(0)));
          }
        });
    for (ChannelFuture future : futures) {
      if (!future.await(10, TimeUnit.SECONDS) || !future.isSuccess()) {
        throw new IllegalStateException(
            "publisher cannot connect to "
                + options.host()
                + ":"
                + options.port()
                + ": "
                + future.cause());
      }
    }
  }

  private void startPublishing() {
    publishing = true;
    publishStartNanos = System.nanoTime();
    if (options.rate() > 0) {
      ticker = loop.scheduleAtFixedRate(this::publishDue, 0, 1, TimeUnit.MILLISECONDS);
    } else {
      for (PublisherHandler publisher : publishers) {
        publisher.fill();
      }
    }
  }

  private void stopPublishing() {
    publishing = false;
    if (ticker != null) {
      ticker.cancel(false);
    }
  }

  /** Fixed rate: sends every publish whose time has come, as far as the in-flight limits allow. */
  private void publishDue() {
    if (!publishing) {
      return;
    }
    long now = System.nanoTime();
    double interval = 1e9 / options.rate();
    long due = (long) ((now - publishStartNanos) / interval) + 1;
    int tried = 0;
    while (sent < due && tried < publishers.size()) {
      PublisherHandler publisher = publishers.get(nextPublisher);
      nextPublisher = (nextPublisher + 1) % publishers.size();
      if (publisher.inFlight() >= publisher.capacity || !publisher.channel.isActive()) {
        tried++;
        continue;
      }
      tried = 0;
      long scheduled = publishStartNanos + (long) (sent * interval);
      maxLagNanos = Math.max(maxLagNanos, now - scheduled);
      publisher.send();
    }
    for (PublisherHandler publisher : publishers) {
      publisher.flushIfNeeded();
    }
  }

  /** One keep-alive publisher connection with up to {@code capacity} requests in flight. */
  private final class PublisherHandler extends ChannelInboundHandlerAdapter
      implements ResponseReader.Listener {

    final int capacity;
    final int[] topics;
    final long[] sendTimes;
    final ResponseReader reader = new ResponseReader(this);
    final ByteSink toReader = reader::feed;
    int head; // oldest request in flight
    int count;
    boolean unflushed;
    Channel channel;

    PublisherHandler(int capacity) {
      this.capacity = capacity;
      this.topics = new int[capacity];
      this.sendTimes = new long[capacity];
    }

    int inFlight() {
      return count;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
    }

    /** Max rate: keeps the pipe full. */
    void fill() {
      while (publishing && count < capacity && channel.isActive()) {
        send();
      }
      flushIfNeeded();
    }

    void send() {
      int topic = (int) (sent % options.topics());
      long now = System.nanoTime();
      byte[] field = topicFields[topic];
      String timestamp = Long.toString(now);
      int bodyLength = field.length + DATA_FIELD.length + timestamp.length();
      String length = Integer.toString(bodyLength);
      ByteBuf request =
          channel.alloc().buffer(publishHead.length + length.length() + 4 + bodyLength);
      request.writeBytes(publishHead);
      request.writeCharSequence(length, StandardCharsets.US_ASCII);
      request.writeBytes(CRLF_CRLF);
      request.writeBytes(field);
      request.writeBytes(DATA_FIELD);
      request.writeCharSequence(timestamp, StandardCharsets.US_ASCII);
      int slot = (head + count) % capacity;
      topics[slot] = topic;
      sendTimes[slot] = now;
      count++;
      sent++;
      channel.write(request, channel.voidPromise());
      unflushed = true;
    }

    void flushIfNeeded() {
      if (unflushed) {
        unflushed = false;
        channel.flush();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        feed(buf, toReader);
      } catch (ResponseReader.MalformedResponse e) {
        ctx.close();
      } finally {
        buf.release();
      }
      if (options.rate() > 0) {
        publishDue();
      } else {
        fill();
      }
    }

    @Override
    public void head(int status) {}

    @Override
    public void body(byte[] bytes, int offset, int length) {}

    @Override
    public void complete(int status) {
      if (count == 0) {
        return; // an unsolicited response: nothing to match it with
      }
      long now = System.nanoTime();
      int topic = topics[head];
      long sentAt = sendTimes[head];
      head = (head + 1) % capacity;
      count--;
      lastAckNanos = now;
      ackLatency.record(now - sentAt);
      if (status >= 200 && status < 300) {
        acked++;
        expected += openPerTopic[topic];
      } else {
        publishFailed++;
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      publishFailed += count; // requests that will never be answered
      count = 0;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static final byte[] CRLF_CRLF = ascii("\r\n\r\n");
  private static final byte[] DATA_FIELD = ascii("&data=lgts");

  // ---- report (event loop) ---------------------------------------------------------------------

  private boolean drained() {
    int inFlight = 0;
    for (PublisherHandler publisher : publishers) {
      inFlight += publisher.inFlight();
    }
    return inFlight == 0 && eventsWithTimestamp >= expected;
  }

  private Map<String, Object> counters() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tool", "herald-loadgen");
    out.put("label", options.label());
    out.put("target", options.host().getHostAddress() + ":" + options.subscriberPort());
    out.put("protocol", options.protocol().wireName());
    out.put("pub_protocol", "h1");
    out.put("pub_target", options.host().getHostAddress() + ":" + options.port());
    out.put("mode", !options.publish() ? "idle" : options.rate() > 0 ? "rate" : "max");
    out.put("subs", options.subscribers());
    out.put("topics", options.topics());
    out.put("idle_templates", options.idleTemplates());
    out.put("pub_rate", options.rate());
    out.put("outstanding", options.outstanding());
    out.put("pub_conns", options.publisherConnections());
    out.put("duration_s", options.durationSeconds());
    out.put("connections", established - dropped);
    out.put("tcp_connections", tcpConnections());
    if (options.protocol().http2()) {
      out.put("h2", http2Report());
    }

    Map<String, Object> conn = new LinkedHashMap<>();
    conn.put("attempted", nextSubscriber);
    conn.put("established", established);
    Map<String, Object> failed = new LinkedHashMap<>();
    failed.put("connect", failedConnect);
    failed.put("status", failedStatus);
    failed.put("timeout", failedTimeout);
    conn.put("failed", failed);
    conn.put("dropped", dropped);
    double connectSeconds = established == 0 ? 0 : (lastEstablishedNanos - firstConnectNanos) / 1e9;
    conn.put("connect_s", connectSeconds);
    conn.put("connects_per_s", connectSeconds > 0 ? established / connectSeconds : null);
    conn.put("connect_ms", connectLatency.summary());
    out.put("conn", conn);

    Map<String, Object> pub = new LinkedHashMap<>();
    pub.put("sent", sent);
    pub.put("acked", acked);
    pub.put("failed", publishFailed);
    double ackSeconds = acked == 0 ? 0 : (lastAckNanos - publishStartNanos) / 1e9;
    pub.put("acked_per_s", ackSeconds > 0 ? acked / ackSeconds : 0.0);
    pub.put("ack_ms", ackLatency.summary());
    pub.put("max_lag_ms", maxLagNanos / 1e6);
    out.put("pub", pub);

    Map<String, Object> events = new LinkedHashMap<>();
    events.put("total", eventsTotal);
    events.put("with_ts", eventsWithTimestamp);
    events.put("expected", expected);
    events.put("delivery_ratio", expected == 0 ? null : eventsWithTimestamp / (double) expected);
    double eventSeconds = eventsWithTimestamp == 0 ? 0 : (lastEventNanos - publishStartNanos) / 1e9;
    events.put("per_sec", eventSeconds > 0 ? eventsWithTimestamp / eventSeconds : 0.0);
    out.put("events", events);
    out.put("latency_ms", eventLatency.summary());
    return out;
  }

  /** Subscriber TCP connections open now. */
  private int tcpConnections() {
    if (!options.protocol().http2()) {
      return established - dropped;
    }
    int open = 0;
    for (Http2Connection connection : h2Connections) {
      if (connection.isActive()) {
        open++;
      }
    }
    return open;
  }

  private Map<String, Object> http2Report() {
    Map<String, Object> h2 = new LinkedHashMap<>();
    h2.put("connections_requested", options.connections());
    h2.put("connections_opened", h2Connections.size());
    int failed = 0;
    String firstFailure = null;
    Long serverMax = null;
    for (Http2Connection connection : h2Connections) {
      if (connection.failure() != null) {
        failed++;
        firstFailure = firstFailure == null ? connection.failure() : firstFailure;
      } else if (connection.isReady() && serverMax == null) {
        serverMax = connection.maxConcurrentStreams();
      }
    }
    h2.put("connections_failed", failed);
    h2.put("first_failure", firstFailure);
    h2.put("server_max_concurrent_streams", serverMax);
    h2.put("max_streams_per_connection", plan == null ? null : plan.maxStreamsPerConnection());
    h2.put("window_bytes", options.h2Window());
    h2.put("tls", tls == null ? null : Http2Connection.tlsProvider().name());
    return h2;
  }

  private void closeAll() {
    closing = true;
    stopPublishing();
    if (options.protocol().http2()) {
      // Closing a connection ends its streams; no need to reset each first.
      for (Http2Connection connection : h2Connections) {
        if (connection.channel() != null) {
          connection.channel().close();
        }
      }
    } else {
      for (Subscriber handler : subscribers) {
        if (handler != null && handler.channel != null) {
          handler.channel.close();
        }
      }
    }
    for (PublisherHandler publisher : publishers) {
      if (publisher.channel != null) {
        publisher.channel.close();
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void onLoop(Runnable task) throws Exception {
    onLoop(
        () -> {
          task.run();
          return null;
        });
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
    try {
      return loop.submit(task).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new IllegalStateException("event loop did not answer within 30 s", e);
    }
  }

  private static void pause(long millis) throws InterruptedException {
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private String hostHeader(int port) {
    InetAddress host = options.host();
    String text = host.getHostAddress();
    return (host instanceof Inet4Address ? text : "[" + text + "]") + ":" + port;
  }

  private static String loadavg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
