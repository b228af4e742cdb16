package dev.herald.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The load generator's settings, parsed and checked once. Every default is here.
 *
 * <p>Immutable; safe from any thread.
 */
record Options(
    InetAddress host,
    int port,
    Protocol protocol,
    int tlsPort,
    int connections,
    int h2Window,
    String path,
    int subscribers,
    int topics,
    String topicPrefix,
    String jwtKey,
    String jwtAlg,
    boolean subscriberAuth,
    boolean publish,
    double rate,
    int outstanding,
    int publisherConnections,
    int durationSeconds,
    int settleMillis,
    int drainMillis,
    int connectTimeoutSeconds,
    int connectConcurrency,
    long hubPid,
    boolean heapProbe,
    String label,
    int idleTemplates) {

  static final int MAX_DURATION_SECONDS = 120;

  /**
   * Most URI templates a subscriber may add with --idle-templates (the request line stays short).
   */
  static final int MAX_IDLE_TEMPLATES = 100;

  /**
   * Default HTTP/2 receive window, per stream (SETTINGS_INITIAL_WINDOW_SIZE) and per connection.
   */
  static final int DEFAULT_H2_WINDOW = 1 << 20;

  /** HTTP/2's own initial window (RFC 9113, 6.9.2), the least a window may be. */
  static final int MIN_H2_WINDOW = 65_535;

  static final String USAGE =
      """
      Usage: java -cp herald-bench.jar dev.herald.bench.LoadGenerator [options]
        --host H               hub address, loopback only (default 127.0.0.1)
        --port P               hub port, cleartext (default 3000): publishing, and subscribers
                               with --protocol h1 or h2c
        --protocol h1|h2c|h2   how subscribers connect (default h1): h1 = one HTTP/1.1
                               connection each; h2c = HTTP/2 streams over cleartext connections
                               (prior knowledge); h2 = HTTP/2 streams over TLS (ALPN h2) to
                               --tls-port. Publishing is HTTP/1.1 on --port in every mode.
                               h2 TRUSTS ANY CERTIFICATE (Netty's InsecureTrustManagerFactory):
                               it is for loopback benchmarks against a development certificate
        --tls-port P           the hub's --tls-listen port, for --protocol h2
        --connections C        h2c/h2: TCP connections the streams are spread over (default
                               subs / 100, at least 1); more are opened if C connections would
                               carry more streams than the hub's SETTINGS_MAX_CONCURRENT_STREAMS
        --h2-window B          h2c/h2: receive window per stream and per connection, in bytes
                               (default %d)
        --path PATH            hub path (default /.well-known/mercure)
        --subs N               SSE subscribers (default 1000); subscriber i listens to topic i %% T
        --topics T             distinct topics (default 1), named <prefix><n>
        --topic-prefix S       (default https://example.com/t/)
        --jwt-key KEY          HMAC key of the hub: mints the publisher token (and subscriber tokens)
        --jwt-alg ALG          HS256 | HS384 | HS512 (default HS256)
        --[no-]sub-auth        send a subscriber token on each subscribe (default: on with --jwt-key)
        --rate R               publishes per second; 0 = as fast as possible (default 0)
        --outstanding K        requests in flight per publisher connection (default 4)
        --pub-conns C          publisher connections (default 1)
        --idle                 no publisher: connect, then hold for --duration
        --duration S           publishing (or holding) time, 0..%d s (default 10); 0 is a
                               smoke run: one window of publishes (--outstanding per
                               connection), then drain
        --settle-ms M          pause after connecting, before measuring (default 1000)
        --drain-ms M           wait for late events after publishing, at most (default 5000)
        --connect-timeout S    budget for connecting all subscribers, 1..60 s (default 30)
        --concurrency C        connects in progress at once (default 200)
        --hub-pid PID          report the hub's RSS (/proc/PID/status) and CPU (/proc/PID/stat)
        --heap-probe           also the hub's live heap before/after connecting (jcmd GC.run; idle runs)
        --label S              copied into the report
        --idle-templates N     each subscriber also holds N distinct URI templates that match
                               nothing published (https://example.com/idle/<i>/<j>/{id}), to
                               measure what held templates cost a publish (0..100, default 0; h1)
      Prints one JSON line. Stops by itself: the whole run is bounded by
      connect-timeout + settle + duration + drain.
      """
          .formatted(DEFAULT_H2_WINDOW, MAX_DURATION_SECONDS);

  static Options parse(String... args) {
    String host = "127.0.0.1";
    int port = 3000;
    Protocol protocol = Protocol.H1;
    int tlsPort = -1;
    int connections = -1;
    int h2Window = DEFAULT_H2_WINDOW;
    String path = "/.well-known/mercure";
    int subs = 1000;
    int topics = 1;
    String prefix = "https://example.com/t/";
    String key = null;
    String alg = "HS256";
    Boolean subAuth = null;
    boolean publish = true;
    double rate = 0;
    int outstanding = 4;
    int pubConns = 1;
    int duration = 10;
    int settle = 1000;
    int drain = 5000;
    int connectTimeout = 30;
    int concurrency = 200;
    long hubPid = -1;
    boolean heapProbe = false;
    String label = "";
    int idleTemplates = 0;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      switch (name) {
        case "--idle" -> publish = false;
        case "--sub-auth" -> subAuth = true;
        case "--no-sub-auth" -> subAuth = false;
        case "--heap-probe" -> heapProbe = true;
        case "-h", "--help" -> throw new UsageRequested();
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(
                name
                    + ": missing value (expected: "
                    + name
                    + " VALUE, or one of the options of --help)");
          }
          String value = args[++i];
          switch (name) {
            case "--host" -> host = value;
            case "--port" -> port = intIn(name, value, 1, 65_535);
            case "--protocol" -> protocol = Protocol.parse(value);
            case "--tls-port" -> tlsPort = intIn(name, value, 1, 65_535);
            case "--connections" -> connections = intIn(name, value, 1, 100_000);
            case "--h2-window" -> h2Window = intIn(name, value, MIN_H2_WINDOW, Integer.MAX_VALUE);
            case "--path" -> path = value;
            case "--subs" -> subs = intIn(name, value, 0, 1_000_000);
            case "--topics" -> topics = intIn(name, value, 1, 1_000_000);
            case "--topic-prefix" -> prefix = value;
            case "--jwt-key" -> key = value;
            case "--jwt-alg" -> alg = value;
            case "--rate" -> rate = doubleIn(name, value, 0, 1_000_000);
            case "--outstanding" -> outstanding = intIn(name, value, 1, 1_024);
            case "--pub-conns" -> pubConns = intIn(name, value, 1, 64);
            case "--duration" -> duration = intIn(name, value, 0, MAX_DURATION_SECONDS);
            case "--settle-ms" -> settle = intIn(name, value, 0, 30_000);
            case "--drain-ms" -> drain = intIn(name, value, 0, 30_000);
            case "--connect-timeout" -> connectTimeout = intIn(name, value, 1, 60);
            case "--concurrency" -> concurrency = intIn(name, value, 1, 10_000);
            case "--hub-pid" -> hubPid = intIn(name, value, 1, Integer.MAX_VALUE);
            case "--label" -> label = value;
            case "--idle-templates" -> idleTemplates = intIn(name, value, 0, MAX_IDLE_TEMPLATES);
            default ->
                throw new IllegalArgumentException(
                    "unknown option: " + name + " (expected one of the options of --help)");
          }
        }
      }
    }
    if (publish && key == null) {
      throw new IllegalArgumentException(
          "--jwt-key: missing (expected: the hub's HMAC key, to mint a publisher token; or --idle)");
    }
    if (protocol == Protocol.H2 && tlsPort < 0) {
      throw new IllegalArgumentException(
          "--tls-port: missing (expected: the hub's --tls-listen port, for --protocol h2)");
    }
    if (protocol != Protocol.H2 && tlsPort >= 0) {
      throw new IllegalArgumentException(
          "--tls-port: "
              + tlsPort
              + " with --protocol "
              + protocol.wireName()
              + " (expected: only with --protocol h2)");
    }
    if (!protocol.http2() && connections >= 0) {
      throw new IllegalArgumentException(
          "--connections: "
              + connections
              + " with --protocol h1"
              + " (expected: only with --protocol h2c or h2; over HTTP/1.1 each subscriber is a"
              + " connection)");
    }
    if (protocol.http2() && idleTemplates > 0) {
      throw new IllegalArgumentException(
          "--idle-templates: "
              + idleTemplates
              + " with --protocol "
              + protocol.wireName()
              + " (expected: only with --protocol h1)");
    }
    if (!protocol.http2()) {
      connections = 0; // not used: one connection per subscriber
    } else if (connections < 0) {
      connections = ConnectionPlan.defaultConnections(subs);
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("--path: " + path + " (expected: starting with /)");
    }
    return new Options(
        loopback(host),
        port,
        protocol,
        tlsPort,
        connections,
        h2Window,
        path,
        subs,
        topics,
        prefix,
        key,
        alg,
        subAuth != null ? subAuth : key != null,
        publish,
        rate,
        outstanding,
        pubConns,
        duration,
        settle,
        drain,
        connectTimeout,
        concurrency,
        hubPid,
        heapProbe,
        label,
        idleTemplates);
  }

  /** The whole run is bounded by this: connecting, settling, publishing, draining, margin. */
  long hardCapSeconds() {
    return connectTimeoutSeconds
        + durationSeconds
        + (settleMillis + drainMillis) / 1000
        + (heapProbe ? 60 : 0)
        + 10;
  }

  /** The port subscribers connect to: the TLS port for h2, the cleartext one otherwise. */
  int subscriberPort() {
    return protocol == Protocol.H2 ? tlsPort : port;
  }

  /** Refuses every address outside 127.0.0.0/8 and ::1: this tool only loads local hubs. */
  static InetAddress loopback(String host) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "--host: "
              + host
              + " does not resolve (expected: "
              + "a loopback address such as 127.0.0.1 or ::1)");
    }
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "--host: "
              + host
              + " is "
              + address.getHostAddress()
              + " (expected: loopback only, 127.0.0.0/8 or ::1)");
    }
    return address;
  }

  private static int intIn(String name, String value, int min, int max) {
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a whole number)");
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: " + min + ".." + max + ")");
    }
    return (int) parsed;
  }

  private static double doubleIn(String name, String value, double min, double max) {
    double parsed;
    try {
      parsed = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a number)");
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: " + min + ".." + max + ")");
    }
    return parsed;
  }

  /** --help was asked for. */
  static final class UsageRequested extends RuntimeException {
    UsageRequested() {
      super(null, null, false, false);
    }
  }
}
