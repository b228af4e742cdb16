package dev.herald.server;

import dev.herald.server.http.HubRoutes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * The client side of a warm-up: a few SSE subscribers and one publisher pipelining private updates
 * over HTTP/1.1 against a hub on a loopback address, until a deadline on the given clock, a publish
 * count, a stall or {@link #stop}. It uses plain JDK sockets under one selector, on the thread that
 * calls {@link #run} (the warm-up's own), so it never takes a turn of an event loop beyond the
 * server's own work. Memory is bounded: a fixed number of connections, a fixed pipelining window,
 * one read buffer per connection.
 *
 * <p>{@link #run} runs on one thread; {@link #stop} and the counters are safe from any thread.
 */
final class LoopbackLoad {

  /** Topics the publishes cycle through, so the selector index and several streams are used. */
  static final String TOPIC_PREFIX = "https://herald.invalid/warm-up/";

  private static final int TOPICS = 16;

  /** A payload the size of a small JSON document, as the benchmarks and most users publish. */
  private static final String PAYLOAD = "{\"warm-up\":true,\"text\":\"" + "x".repeat(80) + "\"}";

  /** A publish answered as nothing else for this long means the hub is stuck: give up. */
  private static final Duration STALL = Duration.ofSeconds(10);

  private static final int READ_BUFFER = 64 * 1024;

  /**
   * @param subscribers event streams held open (one in three on each of an exact topic, a URI
   *     template and {@code *})
   * @param window publishes written ahead of their answers on the one publisher connection
   * @param maxPublishes acknowledged publishes after which the load stops even before the deadline
   * @param resubscribeEvery acknowledged publishes between two reconnections of one subscriber,
   *     with {@code lastEventID=earliest}, so the subscribe and replay paths are warmed too
   */
  record Plan(int subscribers, int window, long maxPublishes, int resubscribeEvery) {

    static final Plan DEFAULT = new Plan(24, 64, 5_000_000, 500);
  }

  private final InetSocketAddress hub;
  private final String subscriberToken;
  private final String publisherToken;
  private final Plan plan;
  private final Clock clock;
  private final long deadlineMillis;
  private final byte[][] publishes;

  private volatile boolean stopping;
  private volatile Selector selector;
  private volatile long acknowledged;
  private volatile long eventBytes;
  private volatile int resubscribed;

  LoopbackLoad(
      InetSocketAddress hub,
      String subscriberToken,
      String publisherToken,
      Plan plan,
      Clock clock,
      long deadlineMillis) {
    this.hub = hub;
    this.subscriberToken = subscriberToken;
    this.publisherToken = publisherToken;
    this.plan = plan;
    this.clock = clock;
    this.deadlineMillis = deadlineMillis;
    this.publishes = new byte[TOPICS][];
    for (int i = 0; i < TOPICS; i++) {
      publishes[i] = publishRequest(TOPIC_PREFIX + i);
    }
  }

  long acknowledged() {
    return acknowledged;
  }

  long eventBytes() {
    return eventBytes;
  }

  int resubscribed() {
    return resubscribed;
  }

  /** Ends {@link #run} soon, from any thread. */
  void stop() {
    stopping = true;
    Selector current = selector;
    if (current != null) {
      current.wakeup();
    }
  }

  /**
   * Drives the load until done; every socket it opened is closed when it returns or throws.
   *
   * @throws IOException when a socket fails or the hub answers anything but 200
   */
  void run() throws IOException {
    List<SocketChannel> open = new ArrayList<>();
    try (Selector select = Selector.open()) {
      selector = select;
      if (stopping) {
        return;
      }
      Deque<Connection> subscribers = new ArrayDeque<>();
      for (int i = 0; i < plan.subscribers(); i++) {
        subscribers.add(connect(select, open, new Subscriber(subscribeRequest(i, false))));
      }
      Publisher publisher = (Publisher) connect(select, open, new Publisher());
      long lastProgress = System.nanoTime();
      long nextResubscribe = plan.resubscribeEvery();
      int opened = plan.subscribers();
      while (!stopping && clock.millis() < deadlineMillis && acknowledged < plan.maxPublishes()) {
        select.select(100);
        for (SelectionKey key : select.selectedKeys()) {
          ((Connection) key.attachment()).ready(key);
        }
        select.selectedKeys().clear();
        publisher.fill();
        if (publisher.answered > 0) {
          lastProgress = System.nanoTime();
          acknowledged += publisher.answered;
          publisher.answered = 0;
        } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
          throw new IOException("no publish answered for " + STALL.toSeconds() + " s");
        }
        if (acknowledged >= nextResubscribe) {
          nextResubscribe += plan.resubscribeEvery();
          Connection oldest = subscribers.poll();
          oldest.channel.close();
          open.remove(oldest.channel);
          subscribers.add(connect(select, open, new Subscriber(subscribeRequest(opened++, true))));
          resubscribed++;
        }
      }
    } finally {
      selector = null;
      for (SocketChannel channel : open) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // Closing a loopback socket of our own: nothing to do about a failure.
        }
      }
    }
  }

  private Connection connect(Selector select, List<SocketChannel> open, Connection connection)
      throws IOException {
    SocketChannel channel = SocketChannel.open();
    open.add(channel);
    channel.configureBlocking(false);
    channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
    connection.channel = channel;
    boolean connected = channel.connect(hub);
    connection.key =
        channel.register(
            select, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, connection);
    if (connected) {
      connection.connected();
    }
    return connection;
  }

  private byte[] subscribeRequest(int index, boolean resume) {
    String selector =
        switch (index % 3) {
          case 0 -> TOPIC_PREFIX + (index % TOPICS);
          case 1 -> TOPIC_PREFIX + "{n}";
          default -> "*";
        };
    String query = "topic=" + encode(selector) + (resume ? "&lastEventID=earliest" : "");
    return ("GET "
            + HubRoutes.HUB_PATH
            + "?"
            + query
            + " HTTP/1.1\r\n"
            + "Host: "
            + host()
            + "\r\n"
            + "Authorization: Bearer "
            + subscriberToken
            + "\r\n"
            + "Accept: text/event-stream\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private byte[] publishRequest(String topic) {
    byte[] body =
        ("topic=" + encode(topic) + "&private=on&data=" + encode(PAYLOAD))
            .getBytes(StandardCharsets.US_ASCII);
    byte[] head =
        ("POST "
                + HubRoutes.HUB_PATH
                + " HTTP/1.1\r\n"
                + "Host: "
                + host()
                + "\r\n"
                + "Authorization: Bearer "
                + publisherToken
                + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  private String host() {
    return hub.getHostString() + ":" + hub.getPort();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** One socket under the selector, with what it still has to write. */
  private abstract static class Connection {
    SocketChannel channel;
    SelectionKey key;
    final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER);
    ByteBuffer out = ByteBuffer.allocate(0);

    void ready(SelectionKey ready) throws IOException {
      if (ready.isConnectable() && channel.finishConnect()) {
        connected();
      }
      if (ready.isValid() && ready.isWritable()) {
        flush();
      }
      if (ready.isValid() && ready.isReadable()) {
        int read = channel.read(in);
        if (read < 0) {
          throw new IOException("the hub closed a warm-up connection");
        }
        in.flip();
        consume();
        in.compact();
      }
    }

    abstract void connected() throws IOException;

    /** Reads what {@link #in} holds, from its position to its limit. */
    abstract void consume() throws IOException;

    void send(ByteBuffer bytes) throws IOException {
      out = bytes;
      flush();
    }

    void flush() throws IOException {
      channel.write(out);
      key.interestOps(
          out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }
  }

  /** An event stream: checks that it was accepted, then reads and drops what arrives. */
  private final class Subscriber extends Connection {
    private final byte[] request;
    private boolean accepted;

    Subscriber(byte[] request) {
      this.request = request;
    }

    @Override
    void connected() throws IOException {
      send(ByteBuffer.wrap(request));
    }

    @Override
    void consume() throws IOException {
      if (!accepted) {
        String status = "HTTP/1.1 200";
        if (in.remaining() < status.length()) {
          return;
        }
        byte[] start = new byte[status.length()];
        in.get(in.position(), start);
        if (!status.equals(new String(start, StandardCharsets.US_ASCII))) {
          throw new IOException(
              "the hub refused a warm-up subscriber: "
                  + new String(start, StandardCharsets.US_ASCII));
        }
        accepted = true;
      }
      eventBytes += in.remaining();
      in.position(in.limit());
    }
  }

  /** Pipelines publishes up to the window and counts the 200 answers. */
  private final class Publisher extends Connection {
    private final ByteBuffer pending = ByteBuffer.allocate(plan.window() * maxRequest());
    private int inFlight;
    private int next;
    private boolean connected;

    /** Answers read since the loop last took them. */
    long answered;

    private int maxRequest() {
      int max = 0;
      for (byte[] request : publishes) {
        max = Math.max(max, request.length);
      }
      return max;
    }

    @Override
    void connected() throws IOException {
      connected = true;
      fill();
    }

    /** Writes more publishes while the window has room and the socket takes them. */
    void fill() throws IOException {
      if (!connected || out.hasRemaining() || inFlight >= plan.window()) {
        return;
      }
      pending.clear();
      while (inFlight < plan.window()) {
        pending.put(publishes[next++ % publishes.length]);
        inFlight++;
      }
      pending.flip();
      send(pending);
    }

    @Override
    void consume() throws IOException {
      while (true) {
        int headEnd = headerEnd();
        if (headEnd < 0) {
          return;
        }
        int start = in.position();
        byte[] head = new byte[headEnd - start];
        in.get(start, head);
        String text = new String(head, StandardCharsets.US_ASCII);
        if (!text.startsWith("HTTP/1.1 200")) {
          throw new IOException(
              "the hub refused a warm-up publish: " + text.lines().findFirst().orElse(""));
        }
        int length = contentLength(text);
        if (in.limit() - headEnd < length) {
          return;
        }
        in.position(headEnd + length);
        inFlight--;
        answered++;
      }
    }

    /** The index just past the blank line ending the headers at the position, or -1. */
    private int headerEnd() {
      for (int i = in.position(); i + 3 < in.limit(); i++) {
        if (in.get(i) == '\r'
            && in.get(i + 1) == '\n'
            && in.get(i + 2) == '\r'
            && in.get(i + 3) == '\n') {
          return i + 4;
        }
      }
      return -1;
    }

    private int contentLength(String head) throws IOException {
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          return Integer.parseInt(line.substring("content-length:".length()).trim());
        }
      }
      throw new IOException("a warm-up publish was answered without a Content-Length");
    }
  }
}
