package dev.herald.cli;

import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.SigningKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.node.HeraldNode;
import dev.herald.node.HistoryBackend;
import dev.herald.node.HistoryUnavailableException;
import dev.herald.node.NodeConfig;
import dev.herald.node.RedisBackend;
import dev.herald.outbox.OutboxConfig;
import dev.herald.redis.RedisConfig;
import dev.herald.server.AuthCallbackConfig;
import dev.herald.server.HeraldServer;
import dev.herald.server.Limits;
import dev.herald.server.ProtocolConfig;
import dev.herald.server.ServerConfig;
import dev.herald.server.trace.Tracing;
import dev.herald.server.webhook.WebhookConfig;
import dev.herald.server.webhook.WebhookSubscription;
import dev.herald.store.Fsync;
import dev.herald.store.StoreConfig;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs a hub node until the process is stopped: maps the options onto a {@link NodeConfig}, starts
 * it with {@link HeraldNode} and prints where it listens. Runs on the thread that calls picocli
 * (main).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each, and shows the first alone in herald --help.
    description = {
      "Runs the hub until the process is stopped.",
      "Every option can also be set with an environment variable HERALD_<OPTION>, e.g."
          + " HERALD_HISTORY_SIZE=5000. With no key configured, a development key is generated"
          + " and a publisher token is printed."
    })
final class ServeCommand implements Callable<Integer> {

  /** The draft-08 issuer of a development hub, signing with the generated secret. */
  static final String DEVELOPMENT_ISSUER = "urn:herald:development";

  /** How long the printed development access token lasts: a working day. */
  static final Duration DEVELOPMENT_ACCESS_TTL = Duration.ofHours(12);

  /** Where events are kept for reconnecting subscribers. */
  enum HistoryKind {
    DURABLE,
    MEMORY
  }

  @Spec CommandSpec spec;

  // An option without a defaultValue here takes its default from the record that holds it,
  // through ServeDefaults; only what the CLI alone decides is written on the option.

  @Option(
      names = "--listen",
      split = ",",
      paramLabel = "HOST:PORT",
      converter = Converters.ListenConverter.class,
      description = "Address to accept HTTP on; repeatable (default: ${DEFAULT-VALUE}).")
  List<InetSocketAddress> listen;

  @Option(
      names = "--tls-listen",
      split = ",",
      paramLabel = "HOST:PORT",
      converter = Converters.ListenConverter.class,
      description = "Address to accept TLS on, HTTP/2 by ALPN with HTTP/1.1 fallback; repeatable.")
  List<InetSocketAddress> tlsListen;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "PEM certificate chain for --tls-listen (default: a generated development certificate).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key (PKCS#8, RSA or EC) of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--max-concurrent-streams",
      paramLabel = "N",
      description = "HTTP/2 streams one connection may open at once (default: ${DEFAULT-VALUE}).")
  int maxConcurrentStreams;

  @Option(
      names = "--transport",
      paramLabel = "auto|io_uring|epoll|nio",
      description =
          "Socket layer; auto picks io_uring, else epoll, else NIO (default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(
      names = "--event-loops",
      paramLabel = "N",
      description =
          "Event loops serving connections and delivering events; 0 for one per available processor (default: ${DEFAULT-VALUE}).")
  int eventLoops;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "DURATION",
      converter = Converters.DurationConverter.class,
      description = "How long a graceful shutdown may take (default: ${DEFAULT-VALUE}).")
  Duration shutdownGrace;

  @Option(
      names = "--warm-up",
      paramLabel = "DURATION",
      converter = Converters.DurationConverter.class,
      description =
          "After listening, exercise the hot paths this long on a private loopback hub so"
              + " the JIT has compiled them; /readyz answers 503 meanwhile, /healthz 200. 0 is ready"
              + " at once (default: ${DEFAULT-VALUE}).")
  Duration warmUp;

  @Option(
      names = "--jwt-key",
      paramLabel = "KEY",
      description =
          "Key for publisher and subscriber tokens: the HMAC secret, or a PEM public key (text or file) for RS/PS/ES algorithms.")
  String jwtKey;

  @Option(
      names = "--publisher-jwt-key",
      paramLabel = "KEY",
      description = "Key for publisher tokens only (also MERCURE_PUBLISHER_JWT_KEY).")
  String publisherJwtKey;

  @Option(
      names = "--subscriber-jwt-key",
      paramLabel = "KEY",
      description = "Key for subscriber tokens only (also MERCURE_SUBSCRIBER_JWT_KEY).")
  String subscriberJwtKey;

  @Option(
      names = "--jwt-alg",
      defaultValue = "HS256",
      paramLabel = "ALG",
      description =
          "Token algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512 (default: ${DEFAULT-VALUE}).")
  String jwtAlg;

  @Option(
      names = "--publisher-jwt-alg",
      paramLabel = "ALG",
      description =
          "Algorithm of publisher tokens (also MERCURE_PUBLISHER_JWT_ALG; default: --jwt-alg).")
  String publisherJwtAlg;

  @Option(
      names = "--subscriber-jwt-alg",
      paramLabel = "ALG",
      description =
          "Algorithm of subscriber tokens (also MERCURE_SUBSCRIBER_JWT_ALG; default: --jwt-alg).")
  String subscriberJwtAlg;

  @Option(
      names = "--anonymous",
      negatable = true,
      fallbackValue = "true",
      description =
          "Let subscribers without a token receive public updates (default: on in development mode, when no key is configured; off otherwise).")
  Boolean anonymous;

  @Option(
      names = "--cors-origin",
      split = ",",
      paramLabel = "ORIGIN",
      description =
          "Origin allowed to use the hub from a browser, or *; repeatable (default: * in development mode, none otherwise).")
  List<String> corsOrigins;

  @Option(
      names = "--publish-origin",
      split = ",",
      paramLabel = "ORIGIN",
      description =
          "Origin allowed to publish with a cookie token, or *; repeatable (default: none).")
  List<String> publishOrigins;

  @Option(
      names = "--cookie-name",
      paramLabel = "NAME",
      description = "Cookie that may carry the token (default: ${DEFAULT-VALUE}).")
  String cookieName;

  @Option(
      names = "--heartbeat",
      paramLabel = "DURATION",
      converter = Converters.DurationConverter.class,
      description =
          "Idle time before a keep-alive comment is sent on a stream; 0 disables (default: ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(
      names = "--history",
      defaultValue = "durable",
      paramLabel = "durable|memory",
      converter = Converters.HistoryKindConverter.class,
      description =
          "Where events are kept for reconnecting subscribers: durable (on disk in --data-dir; survives restarts and crashes) or memory (lost on restart) (default: ${DEFAULT-VALUE}).")
  HistoryKind history;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Directory of the durable history, created if missing; one hub per directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--fsync",
      paramLabel = "always|batch|never",
      converter = Converters.FsyncConverter.class,
      description =
          "When a publish is acknowledged: always (after an fsync of its own), batch (after the fsync of the group of publishes committed with it), never (once handed to the OS: survives a crash of the hub, not of the machine) (default: ${DEFAULT-VALUE}).")
  Fsync fsync;

  @Option(
      names = "--history-size",
      paramLabel = "N",
      description = "Newest events kept for reconnecting subscribers (default: ${DEFAULT-VALUE}).")
  int historySize;

  @Option(
      names = "--history-max-age",
      paramLabel = "DURATION",
      converter = Converters.DurationConverter.class,
      description =
          "Durable history: events older than this are pruned, e.g. 24h; 0 means no age limit (default: ${DEFAULT-VALUE}).")
  Duration historyMaxAge;

  @Option(
      names = "--history-max-bytes",
      paramLabel = "SIZE",
      converter = Converters.ByteCountConverter.class,
      description =
          "Durable history: the oldest events are pruned to keep the retained events' payload under this size, e.g. 2GiB; 0 means no size limit (default: ${DEFAULT-VALUE}).")
  long historyMaxBytes;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description =
          "Run as one node of a cluster: the history is a stream in this Redis, shared by every node (redis://[[user:]password@]HOST[:PORT][/DB], rediss:// for TLS, redis-sentinel://HOST:PORT[,HOST:PORT]#MASTER). Without it the history is local to this hub.")
  String redis;

  @Option(
      names = "--redis-prefix",
      paramLabel = "PREFIX",
      description =
          "With --redis: prepended to the hub's Redis keys, one prefix per cluster (default: ${DEFAULT-VALUE}).")
  String redisPrefix;

  @Option(
      names = "--redis-timeout",
      converter = Converters.DurationConverter.class,
      description =
          "With --redis: how long a command may wait for Redis; a publish then gets 503 (default: ${DEFAULT-VALUE}).")
  Duration redisTimeout;

  @Option(
      names = "--presence-lease",
      converter = Converters.DurationConverter.class,
      description =
          "With --redis and --subscriptions or --webhook: how long a node that stopped renewing its lease (killed, cut off) keeps its subscriptions in the other nodes' eyes; one of them then announces them inactive (default: ${DEFAULT-VALUE}).")
  Duration presenceLease;

  @Option(
      names = "--webhook",
      split = ",",
      paramLabel = "URL",
      description =
          "POST subscription active/inactive and topic occupied/vacated events to this URL, signed as Standard Webhooks; repeatable (default: none).")
  List<String> webhooks;

  @Option(
      names = "--webhook-secret",
      paramLabel = "SECRET",
      description =
          "With --webhook: the signing secret, whsec_ followed by base64 of 24 to 64 random bytes (default: none).")
  String webhookSecret;

  @Option(
      names = "--webhook-subscriber",
      split = ",",
      paramLabel = "NAME=URL",
      description =
          "A durable webhook subscriber: every update matching its --webhook-subscriber-topic selectors is POSTed to URL in order, from where it left off (its cursor is kept in --data-dir with the durable history); repeatable (default: none).")
  List<String> webhookSubscribers;

  @Option(
      names = "--webhook-subscriber-topic",
      paramLabel = "NAME=SELECTOR",
      description = "A topic selector of the webhook subscriber NAME; repeatable (default: none).")
  List<String> webhookSubscriberTopics;

  @Option(
      names = "--webhook-subscriber-private",
      paramLabel = "NAME=SELECTOR",
      description =
          "Private updates the webhook subscriber NAME may receive, as a subscriber token's mercure.subscribe grant; repeatable (default: none: public updates only).")
  List<String> webhookSubscriberPrivate;

  @Option(
      names = "--max-tail-lag",
      converter = Converters.DurationConverter.class,
      description =
          "With --redis: how long this node may stay behind the shared stream before GET /readyz answers 503 (default: ${DEFAULT-VALUE}).")
  Duration maxTailLag;

  @Option(
      names = "--outbox",
      paramLabel = "URI",
      description =
          "Consume a PostgreSQL outbox: rows applications insert in their own transactions become events, exactly once, in per-topic commit order (postgresql://USER[:PASSWORD]@HOST[:PORT]/DB). The table is created if missing. With several nodes, one consumes at a time.")
  String outbox;

  @Option(
      names = "--outbox-table",
      paramLabel = "NAME",
      description =
          "With --outbox: the outbox table, name or schema.name (default: ${DEFAULT-VALUE}).")
  String outboxTable;

  @Option(
      names = "--subscriber-queue",
      paramLabel = "N",
      description =
          "Events that may wait for one slow subscriber before it is disconnected (default: ${DEFAULT-VALUE}).")
  int subscriberQueue;

  @Option(
      names = "--max-body",
      paramLabel = "SIZE",
      converter = Converters.SizeConverter.class,
      description = "Largest publish request body (default: ${DEFAULT-VALUE}).")
  int maxBody;

  @Option(
      names = "--max-request-line",
      paramLabel = "SIZE",
      converter = Converters.SizeConverter.class,
      description =
          "Longest request line, query included; 414 over it. The default fits 1,000 topics of 200 characters (default: ${DEFAULT-VALUE}).")
  int maxRequestLine;

  @Option(
      names = "--max-header-block",
      paramLabel = "SIZE",
      converter = Converters.SizeConverter.class,
      description = "Largest request header block; 431 over it (default: ${DEFAULT-VALUE}).")
  int maxHeaderBlock;

  @Option(
      names = "--header-timeout",
      paramLabel = "DURATION",
      converter = Converters.DurationConverter.class,
      description =
          "Time from accept (TLS handshake included) to a complete request head; 408 and closed after it (default: ${DEFAULT-VALUE}).")
  Duration headerTimeout;

  @Option(
      names = "--body-timeout",
      paramLabel = "DURATION",
      converter = Converters.DurationConverter.class,
      description =
          "Time for a publish body to arrive after its head; 408 and closed after it (default: ${DEFAULT-VALUE}).")
  Duration bodyTimeout;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      converter = Converters.DurationConverter.class,
      description =
          "Time a kept-alive connection without a request (or an HTTP/2 one without a stream) stays open; event streams are never idle (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description =
          "Open connections over all listeners; new ones get 503 with Retry-After and are closed. 0 derives it from the open-file limit (ulimit -n) less room for the history, Redis and the JVM (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--max-connections-per-address",
      paramLabel = "N",
      description =
          "Open connections from one client address; new ones get 429 and are closed. 0 is no limit (default: ${DEFAULT-VALUE}).")
  int maxConnectionsPerAddress;

  @Option(
      names = "--max-stream-lifetime",
      paramLabel = "DURATION",
      converter = Converters.DurationConverter.class,
      description =
          "End an event stream after this long, less up to a tenth drawn per stream, so subscribers rebalance after a scale-out; clients resume with Last-Event-ID. 0 is no limit (default: ${DEFAULT-VALUE}).")
  Duration maxStreamLifetime;

  @Option(
      names = "--subscriptions",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Announce subscriptions as private updates and serve the subscriptions API (default: ${DEFAULT-VALUE}).")
  boolean subscriptions;

  @Option(
      names = "--demo",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Serve the classic demo stream at /sse (default: ${DEFAULT-VALUE}).")
  boolean demo;

  @Option(
      names = "--metrics",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Serve GET /metrics (Prometheus text) and the dashboard's live figures (default: ${DEFAULT-VALUE}).")
  boolean metrics;

  @Option(
      names = "--otel",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Trace publishes with OpenTelemetry, configured by the OTEL_* variables (OTLP to localhost:4318 by default); also on when OTEL_TRACES_EXPORTER names an exporter (default: ${DEFAULT-VALUE}).")
  boolean otel;

  @Option(
      names = "--ui",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Serve the web UI: its page and static files, /info and /dev/token; --no-ui turns them off (default: ${DEFAULT-VALUE}).")
  boolean ui;

  @Option(
      names = "--admin-listen",
      paramLabel = "HOST:PORT",
      converter = Converters.ListenConverter.class,
      description =
          "Serve /metrics, /healthz and /readyz on this address, and no longer on the public listeners.")
  InetSocketAddress adminListen;

  /** Whether anonymous subscribers are let in: --anonymous, else only in development mode. */
  private boolean anonymousApplies;

  @Option(
      names = "--log-format",
      defaultValue = "text",
      paramLabel = "text|json",
      converter = LogSetup.FormatConverter.class,
      description =
          "Log lines on standard error: text, or one JSON object per line (default: ${DEFAULT-VALUE}).")
  LogSetup.Format logFormat;

  @Option(
      names = "--log-level",
      defaultValue = "INFO",
      paramLabel = "LEVEL",
      converter = LogSetup.LevelConverter.class,
      description =
          "Least severe level logged: TRACE, DEBUG, INFO, WARN, ERROR or OFF (default: ${DEFAULT-VALUE}).")
  ch.qos.logback.classic.Level logLevel;

  // --- Protocol versions and token trust beyond --jwt-key (Mercure draft-08, JWK Sets)

  @Option(
      names = "--protocol",
      paramLabel = "07|08|both",
      converter = Converters.ProtocolConverter.class,
      description =
          "Mercure versions to speak, chosen per request: draft-07, draft-08 or both (default: ${DEFAULT-VALUE}).")
  ProtocolConfig.Versions protocol;

  @Option(
      names = "--issuer",
      paramLabel = "ISSUER=KEYSOURCE",
      split = "\\R",
      description =
          "Draft-08: an issuer whose access tokens are trusted, and its keys: an HMAC secret (or secret:VALUE), a PEM public key file, or a JWK Set URL (https:// or file:); repeatable, one per line in HERALD_ISSUER.")
  List<String> issuers;

  @Option(
      names = "--resource-id",
      paramLabel = "URL",
      description =
          "Draft-08: the hub's resource identifier, which access tokens' aud must contain (default: the hub URL on the first listener).")
  String resourceId;

  @Option(
      names = "--access-cookie-name",
      paramLabel = "NAME",
      description =
          "Draft-08: the cookie that may carry the access token (default: ${DEFAULT-VALUE}).")
  String accessCookieName;

  @Option(
      names = "--jwt-jwks",
      paramLabel = "URL",
      description =
          "Draft-07: verify publisher and subscriber tokens with the keys of this JWK Set (https:// or file:), chosen by kid, instead of --jwt-key.")
  String jwtJwks;

  @Option(
      names = "--auth-callback",
      paramLabel = "URL",
      description =
          "Ask the application at this URL whether a subscribe or publish without a valid token may proceed (JSON contract: README, \"Authorization callback\"). A slow or failing application gives 503, never access.")
  URI authCallback;

  @Option(
      names = "--auth-callback-cookies",
      paramLabel = "NAME",
      split = ",",
      description =
          "The cookies forwarded to --auth-callback, e.g. the application's session cookie (default: none).")
  List<String> authCallbackCookies;

  @Option(
      names = "--auth-callback-timeout",
      paramLabel = "DURATION",
      converter = Converters.DurationConverter.class,
      description =
          "How long --auth-callback may take before the request is answered 503 (default: ${DEFAULT-VALUE}).")
  Duration authCallbackTimeout;

  @Option(
      names = "--auth-callback-always",
      description =
          "Ask --auth-callback for every subscribe and publish, even one with a valid token.")
  boolean authCallbackAlways;

  /** For tests: the running server, set once start-up is printed. */
  volatile HeraldServer started;

  /** For tests: counting down stops the server and makes {@link #call} return 0. */
  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String developmentSecret = null;
    List<String> trustedIssuers = issuers == null ? List.of() : issuers;
    NodeConfig nodeConfig;
    try {
      String publisherAlg = publisherJwtAlg != null ? publisherJwtAlg : jwtAlg;
      String subscriberAlg = subscriberJwtAlg != null ? subscriberJwtAlg : jwtAlg;
      LogSetup.apply(logFormat, logLevel);
      boolean anyJwtKey = jwtKey != null || publisherJwtKey != null || subscriberJwtKey != null;
      if (jwtJwks != null && anyJwtKey) {
        throw new IllegalArgumentException(
            "jwt-jwks: set with a --jwt-key option (expected: one"
                + " source of draft-07 keys, the JWK Set or the keys)");
      }
      if (!anyJwtKey && jwtJwks == null && trustedIssuers.isEmpty()) {
        for (String alg : List.of(publisherAlg, subscriberAlg)) {
          if (!alg.equals("HS256")) {
            // The development key is HS256 only: reject a bad algorithm, or say the key is missing.
            JwtKey.parse(alg, null);
          }
        }
        developmentSecret = TokenMinter.randomSecret();
        jwtKey = developmentSecret;
        // Draft-08 clients get an issuer of their own, signing with the same generated secret.
        trustedIssuers = List.of(DEVELOPMENT_ISSUER + "=secret:" + developmentSecret);
      }
      JwtKey publisherKey = key(publisherAlg, publisherJwtKey != null ? publisherJwtKey : jwtKey);
      JwtKey subscriberKey =
          key(subscriberAlg, subscriberJwtKey != null ? subscriberJwtKey : jwtKey);
      // As in Mercure: anonymous subscribers only in development mode, unless asked for.
      anonymousApplies = anonymous != null ? anonymous : developmentSecret != null;
      List<String> cors =
          corsOrigins != null ? corsOrigins : developmentSecret != null ? List.of("*") : List.of();
      ServerConfig server =
          ServerConfig.builder()
              .listen(listen)
              .tlsListen(tlsListen == null ? List.of() : tlsListen)
              .tls(tlsCert, tlsKey)
              .maxConcurrentStreams(maxConcurrentStreams)
              .shutdownGrace(shutdownGrace)
              .warmUp(warmUp)
              .transport(transport)
              .eventLoops(eventLoops)
              .hub(
                  HubConfig.DEFAULTS
                      .withHistorySize(historySize)
                      .withSubscriberQueueCapacity(subscriberQueue)
                      .withSubscriptionEvents(subscriptions))
              .publisherKey(publisherKey)
              .subscriberKey(subscriberKey)
              .anonymous(anonymousApplies)
              .corsOrigins(cors)
              .publishOrigins(publishOrigins == null ? List.of() : publishOrigins)
              .cookieName(cookieName)
              .heartbeat(heartbeat)
              .maxBody(maxBody)
              .demo(demo)
              .metrics(metrics)
              .ui(ui)
              .adminListen(adminListen)
              // Only a key this run generated may be handed out to the page's token helper.
              .developmentTokens(developmentSecret != null)
              .limits(
                  Limits.DEFAULTS
                      .withMaxRequestLine(maxRequestLine)
                      .withMaxHeaderBlock(maxHeaderBlock)
                      .withHeaderTimeout(headerTimeout)
                      .withBodyTimeout(bodyTimeout)
                      .withIdleTimeout(idleTimeout)
                      .withMaxConnections(maxConnections)
                      .withMaxConnectionsPerAddress(maxConnectionsPerAddress)
                      .withMaxStreamLifetime(maxStreamLifetime))
              .protocols(
                  ProtocolConfig.DEFAULTS
                      .withVersions(protocol)
                      .withResourceId(resourceId)
                      .withIssuers(trustedIssuers)
                      .withAccessCookieName(accessCookieName)
                      .withJwtJwks(jwtJwks))
              .build();
      nodeConfig =
          new NodeConfig(server, historyBackend())
              .withWebhooks(withSubscribers(webhookConfig()))
              .withOutbox(
                  outbox == null || outbox.isBlank()
                      ? null
                      : OutboxConfig.parse(outbox, outboxTable));
      if (authCallback != null) {
        nodeConfig =
            nodeConfig.withAuthCallback(
                AuthCallbackConfig.of(authCallback)
                    .withCookies(authCallbackCookies)
                    .withTimeout(authCallbackTimeout)
                    .withAlways(authCallbackAlways));
      } else if (authCallbackCookies != null || authCallbackAlways) {
        throw new IllegalArgumentException(
            "auth-callback-cookies, auth-callback-always: set without --auth-callback"
                + " (expected: the callback's URL too)");
      }
    } catch (IllegalArgumentException e) {
      err.println("serve: " + e.getMessage());
      return Main.USAGE_ERROR;
    }
    Tracing tracing;
    try {
      tracing = Tracing.fromEnvironment(System.getenv(), otel);
    } catch (RuntimeException e) { // the SDK rejects a malformed OTEL_* variable
      err.println("serve: tracing: " + e.getMessage());
      return Main.USAGE_ERROR;
    }
    HeraldNode node;
    try {
      node = HeraldNode.start(nodeConfig, Clock.systemUTC(), null, tracing);
    } catch (HistoryUnavailableException e) {
      tracing.close();
      // Exit at once rather than start unready: a node that cannot read where the shared log
      // stands has nothing to serve, and a wrong --redis shows now instead of as a silent 503.
      err.println("serve: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      tracing.close();
      err.println("serve: " + e.getMessage()); // unusable certificate or key file
      return Main.USAGE_ERROR;
    } catch (RuntimeException e) {
      tracing.close();
      ServerConfig config = nodeConfig.server();
      err.println(
          "serve: cannot listen on "
              + config.listen()
              + (config.adminListen() == null ? "" : " and " + config.adminListen())
              + ": "
              + e.getMessage());
      return 1;
    }
    HeraldServer server = node.server();
    ServerConfig config = nodeConfig.server();
    // The node first: the spans of the publishes it finishes are then flushed with the rest.
    Thread shutdown =
        new Thread(
            () -> {
              node.close();
              tracing.close();
            },
            "herald-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    String base =
        server.boundAddresses().isEmpty()
            ? baseUrl("https", server.boundTlsAddresses().get(0))
            : baseUrl("http", server.boundAddresses().get(0));
    out.println(
        "Herald is listening on " + server.boundAddresses() + " (" + server.transportName() + ")");
    // Without --admin-listen the operations routes are on the public listeners.
    String admin =
        server.boundAdminAddress() == null ? base : baseUrl("http", server.boundAdminAddress());
    if (ui) {
      out.println("  demo page:  " + base + "/");
    }
    out.println("  hub:        " + base + "/.well-known/mercure");
    if (server.boundAdminAddress() != null) {
      out.println(
          "  admin:      "
              + admin
              + "/metrics, /healthz, /readyz (not on the listeners"
              + " above)");
    }
    out.println(
        "  history:    "
            + nodeConfig.history().describe()
            + (nodeConfig.history().shared() ? "; readiness: " + admin + "/readyz" : ""));
    if (nodeConfig.outbox() != null) {
      out.println("  outbox:     " + nodeConfig.outbox().describe());
    }
    out.println("  anonymous:  " + anonymousLine());
    if (tracing.enabled()) {
      out.println(
          "  tracing:    OpenTelemetry, configured by the OTEL_* variables (a sampled"
              + " publish's response carries its traceresponse header)");
    }
    Limits limits = config.limits();
    out.println(
        "  limits:     "
            + server.maxConnections()
            + " connections"
            + (limits.maxConnections() == 0 ? " (from the open-file limit)" : "")
            + (limits.maxConnectionsPerAddress() == 0
                ? ""
                : ", " + limits.maxConnectionsPerAddress() + " per address")
            + "; request head within "
            + Converters.format(limits.headerTimeout())
            + ", body within "
            + Converters.format(limits.bodyTimeout())
            + ", idle "
            + Converters.format(limits.idleTimeout())
            + (limits.maxStreamLifetime().isZero()
                ? ""
                : ", streams end after " + Converters.format(limits.maxStreamLifetime())));
    if (!server.boundTlsAddresses().isEmpty()) {
      out.println("  TLS + HTTP/2: " + baseUrl("https", server.boundTlsAddresses().get(0)) + "/");
    }
    if (server.developmentCertificate() != null) {
      out.println(
          "  TLS uses a generated development certificate (browsers will warn), SHA-256 "
              + server.developmentCertificate().sha256Fingerprint());
    }
    if (config.protocols().versions().draft08()) {
      out.println(
          "  draft-08:   resource id "
              + config.resourceId()
              + "; issuers: "
              + (trustedIssuers.isEmpty()
                  ? "none (access tokens are rejected)"
                  : String.join(
                      ", ",
                      trustedIssuers.stream()
                          .map(entry -> entry.substring(0, entry.indexOf('=')))
                          .toList())));
    }
    if (developmentSecret != null) {
      printDevelopmentHelp(out, base, developmentSecret, config.resourceId(), ui);
    }
    out.flush();
    started = server;
    try {
      stop.await(); // a real process ends through the shutdown hook
    } finally {
      Runtime.getRuntime().removeShutdownHook(shutdown);
      node.close();
      tracing.close();
    }
    return 0;
  }

  /** Where presence webhooks go; none without --webhook. */
  private WebhookConfig webhookConfig() {
    if (webhooks == null || webhooks.isEmpty()) {
      // A secret alone serves the registration API of durable webhook subscribers.
      return webhookSecret == null
          ? WebhookConfig.NONE
          : WebhookConfig.NONE.withSecret(webhookSecret);
    }
    List<URI> urls = new ArrayList<>();
    for (String url : webhooks) {
      try {
        urls.add(new URI(url.strip()));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("webhook: " + url + " (" + e.getReason() + ")");
      }
    }
    return WebhookConfig.of(urls, webhookSecret);
  }

  /** The durable webhook subscribers the options name, with where their cursors are kept. */
  private WebhookConfig withSubscribers(WebhookConfig webhooks) {
    if (webhookSubscribers == null || webhookSubscribers.isEmpty()) {
      if (webhookSubscriberTopics != null || webhookSubscriberPrivate != null) {
        throw new IllegalArgumentException(
            "webhook-subscriber-topic: set without --webhook-subscriber (expected: NAME=URL)");
      }
      return webhooks;
    }
    Map<String, List<String>> topics = byName("webhook-subscriber-topic", webhookSubscriberTopics);
    Map<String, List<String>> grants =
        byName("webhook-subscriber-private", webhookSubscriberPrivate);
    List<WebhookSubscription> subscriptions = new ArrayList<>();
    for (String entry : webhookSubscribers) {
      String[] nameUrl = nameAndValue("webhook-subscriber", entry);
      URI url;
      try {
        url = new URI(nameUrl[1]);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "webhook-subscriber: " + entry + " (" + e.getReason() + ")");
      }
      subscriptions.add(
          new WebhookSubscription(
              nameUrl[0],
              url,
              topics.getOrDefault(nameUrl[0], List.of()),
              grants.getOrDefault(nameUrl[0], List.of())));
    }
    for (String name : topics.keySet()) {
      if (subscriptions.stream().noneMatch(s -> s.name().equals(name))) {
        throw new IllegalArgumentException(
            "webhook-subscriber-topic: " + name + " names no --webhook-subscriber");
      }
    }
    WebhookConfig with =
        (webhooks.enabled() ? webhooks : WebhookConfig.NONE.withSecret(webhookSecret))
            .withSubscribers(subscriptions);
    boolean durable = redis == null && history == HistoryKind.DURABLE;
    return durable ? with.withCursorDir(dataDir.resolve("webhook-cursors")) : with;
  }

  private static Map<String, List<String>> byName(String option, List<String> entries) {
    Map<String, List<String>> byName = new LinkedHashMap<>();
    for (String entry : entries == null ? List.<String>of() : entries) {
      String[] nameValue = nameAndValue(option, entry);
      byName.computeIfAbsent(nameValue[0], n -> new ArrayList<>()).add(nameValue[1]);
    }
    return byName;
  }

  private static String[] nameAndValue(String option, String entry) {
    int equals = entry.indexOf('=');
    if (equals < 1 || equals == entry.length() - 1) {
      throw new IllegalArgumentException(
          option
              + ": "
              + entry
              + " (expected: NAME="
              + (option.endsWith("subscriber") ? "URL" : "SELECTOR")
              + ")");
    }
    return new String[] {entry.substring(0, equals).strip(), entry.substring(equals + 1).strip()};
  }

  /** Where the options say events are kept; how many is the hub's history size. */
  private HistoryBackend historyBackend() {
    if (redis != null) {
      rejectLocalHistoryOptions();
      return new RedisBackend(
          RedisConfig.DEFAULTS
              .withUri(redis)
              .withKeyPrefix(redisPrefix)
              .withCommandTimeout(redisTimeout)
              .withMaxTailLag(maxTailLag),
          presenceLease);
    }
    if (history == HistoryKind.DURABLE) {
      return HistoryBackend.durable(
          StoreConfig.DEFAULTS
              .withDataDir(dataDir)
              .withFsync(fsync)
              .withMaxAge(historyMaxAge)
              .withMaxBytes(historyMaxBytes));
    }
    if (!historyMaxAge.isZero() || historyMaxBytes != 0) {
      throw new IllegalArgumentException(
          "history-max-age, history-max-bytes: set with --history memory (expected: --history"
              + " durable; the memory history keeps the newest --history-size events)");
    }
    return HistoryBackend.memory();
  }

  /**
   * With --redis the history is the shared stream: options of a local history would be ignored
   * silently, so they are refused.
   */
  private void rejectLocalHistoryOptions() {
    List<String> given = new java.util.ArrayList<>();
    for (String option :
        List.of("--history", "--data-dir", "--fsync", "--history-max-age", "--history-max-bytes")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        given.add(option.substring(2));
      }
    }
    if (!given.isEmpty()) {
      throw new IllegalArgumentException(
          String.join(", ", given)
              + ": set with --redis"
              + " (expected: none of them; with --redis the history is the shared Redis stream,"
              + " --history-size sets how many events it keeps)");
    }
  }

  private static JwtKey key(String alg, String value) {
    return value == null ? null : JwtKey.parse(alg, value);
  }

  private String anonymousLine() {
    if (anonymous != null) {
      return (anonymous ? "on" : "off") + " (--" + (anonymous ? "" : "no-") + "anonymous)";
    }
    return anonymousApplies
        ? "on: subscribers without a token get public updates (development mode; --no-anonymous turns it off)"
        : "off: subscribers need a token (a key is configured; --anonymous allows subscribers without one)";
  }

  private static void printDevelopmentHelp(
      PrintWriter out, String base, String secret, String resourceId, boolean ui) {
    JwtKey key = JwtKey.parse("HS256", secret);
    String publisher =
        TokenMinter.mint(key, List.of("*"), List.of("*"), null, null, Clock.systemUTC());
    String accessToken =
        TokenMinter.mintAccessToken(
            SigningKey.of(key),
            new TokenMinter.AccessTokenRequest(
                DEVELOPMENT_ISSUER,
                resourceId,
                "herald-development",
                List.of(new TokenMinter.TopicGrant("*", null)),
                List.of(new TokenMinter.TopicGrant("*", null)),
                null,
                DEVELOPMENT_ACCESS_TTL),
            Clock.systemUTC());
    out.println();
    out.println("Development mode: no key was configured, so this run uses a random HS256 key.");
    out.println("  key:              " + secret);
    out.println("  publisher token:  " + publisher);
    if (ui) {
      out.println("  the page's Playground fills in tokens by itself (GET " + base + "/dev/token)");
    }
    out.println("  try it:");
    // --data-urlencode, not {id} in the URL: curl would read {id} as a glob and ask for "id".
    out.println(
        "    curl -N --get --data-urlencode 'topic=https://example.com/books/{id}' "
            + base
            + "/.well-known/mercure &");
    out.println("    curl -d 'topic=https://example.com/books/1' -d 'data=hello' \\");
    out.println(
        "      -H 'Authorization: Bearer " + publisher + "' " + base + "/.well-known/mercure");
    out.println(
        "  draft-08 access token (issuer "
            + DEVELOPMENT_ISSUER
            + ", valid "
            + DEVELOPMENT_ACCESS_TTL.toHours()
            + "h): "
            + accessToken);
    out.println("Set --jwt-key (or HERALD_JWT_KEY) and --issuer (HERALD_ISSUER) for production.");
  }

  private static String baseUrl(String scheme, InetSocketAddress address) {
    String host =
        address.getAddress() == null || address.getAddress().isAnyLocalAddress()
            ? "localhost"
            : address.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return scheme + "://" + host + ":" + address.getPort();
  }
}
