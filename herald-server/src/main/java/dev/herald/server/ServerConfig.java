package dev.herald.server;

import com.nimbusds.jose.JWSAlgorithm;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the network edge needs, validated once; the defaults live in {@link #builder()}.
 *
 * @param listen addresses to accept cleartext HTTP/1.1 and h2c on
 * @param tlsListen addresses to accept TLS on (HTTP/2 by ALPN, HTTP/1.1 otherwise)
 * @param tlsCertificate PEM certificate chain for TLS, or null for a generated development one
 * @param tlsKey PEM private key of {@code tlsCertificate}
 * @param maxConcurrentStreams HTTP/2 streams one connection may open at once
 * @param hub the hub's own settings (history size, queue capacities)
 * @param publisherKey verifies publishers' tokens; null means nobody may publish over HTTP
 * @param subscriberKey verifies subscribers' tokens; null means only anonymous subscribers
 * @param anonymous whether subscribers without a token get public updates
 * @param corsOrigins origins allowed to call the hub from a browser ({@code *} for any)
 * @param publishOrigins origins allowed to publish with a cookie token ({@code *} for any)
 * @param cookieName the cookie that may carry the token
 * @param heartbeat idle time after which a comment is sent on a stream ({@link Duration#ZERO}: off)
 * @param maxBody the largest publish body accepted, in bytes
 * @param demo whether {@code /sse} and its clock run
 * @param demoInterval time between two demo clock events
 * @param shutdownGrace how long a graceful shutdown may take before connections are cut
 * @param transport the socket layer: {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}
 * @param eventLoops how many event loops serve connections and deliver events; 0 for one per
 *     processor the process may use
 * @param metrics whether {@code GET /metrics} and the dashboard's metrics topic are served
 * @param developmentTokens whether {@code GET /dev/token} hands out tokens signed with the hub's
 *     own HMAC keys: only for a hub running with a generated development key
 * @param limits request sizes, timeouts, connection counts and stream lifetimes
 * @param authCallback the application's authorization callback, or null for none
 * @param protocols which protocol versions are spoken, and draft-08 issuers and resource id
 * @param ui whether the web UI is served: its page, static files, {@code /info} and {@code
 *     /dev/token}
 * @param adminListen the address of a listener of its own for {@code /metrics}, {@code /healthz}
 *     and {@code /readyz}, which the public listeners then no longer serve; null for none
 * @param warmUp how long the hub exercises its own hot paths over loopback after it starts
 *     listening, answering {@code /readyz} with 503 meanwhile, so the JIT has compiled them before
 *     a load balancer sends traffic ({@link Duration#ZERO}: ready at once, the builder's default;
 *     the CLI and the Spring starter default to {@link #RECOMMENDED_WARM_UP})
 */
public record ServerConfig(
    List<InetSocketAddress> listen,
    List<InetSocketAddress> tlsListen,
    Path tlsCertificate,
    Path tlsKey,
    int maxConcurrentStreams,
    HubConfig hub,
    JwtKey publisherKey,
    JwtKey subscriberKey,
    boolean anonymous,
    List<String> corsOrigins,
    List<String> publishOrigins,
    String cookieName,
    Duration heartbeat,
    int maxBody,
    boolean demo,
    Duration demoInterval,
    Duration shutdownGrace,
    String transport,
    int eventLoops,
    boolean metrics,
    boolean developmentTokens,
    Limits limits,
    ProtocolConfig protocols,
    boolean ui,
    InetSocketAddress adminListen,
    Duration warmUp,
    AuthCallbackConfig authCallback) {

  /**
   * The warm-up {@code serve} and the Spring starter use: on the benchmark host the hot paths are
   * compiled by C2 within about two seconds of load, so three leave a margin without keeping a
   * restarted node out of rotation for long.
   */
  public static final Duration RECOMMENDED_WARM_UP = Duration.ofSeconds(3);

  /** A warm-up longer than this is a mistake: it only keeps the node out of rotation. */
  public static final Duration MAX_WARM_UP = Duration.ofMinutes(5);

  /** More loops than this only time-slice the same cores and multiply per-loop buffers. */
  public static final int MAX_EVENT_LOOPS = 1_024;

  public ServerConfig {
    Objects.requireNonNull(protocols, "protocols");
    listen = List.copyOf(listen);
    tlsListen = List.copyOf(tlsListen);
    corsOrigins = List.copyOf(corsOrigins);
    publishOrigins = List.copyOf(publishOrigins);
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(limits, "limits");
    if (listen.isEmpty() && tlsListen.isEmpty()) {
      throw new IllegalArgumentException("listen: none (expected: at least one HOST:PORT)");
    }
    if (adminListen != null
        && adminListen.getPort() != 0
        && (listen.contains(adminListen) || tlsListen.contains(adminListen))) {
      throw new IllegalArgumentException(
          "admin-listen: "
              + adminListen.getHostString()
              + ":"
              + adminListen.getPort()
              + " (expected: an address that --listen and --tls-listen do not use)");
    }
    if ((tlsCertificate == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "tls-cert and tls-key: only one given (expected: both, or neither for a development certificate)");
    }
    if (maxConcurrentStreams < 1) {
      throw new IllegalArgumentException(
          "max-concurrent-streams: " + maxConcurrentStreams + " (expected: >= 1)");
    }
    if (eventLoops < 0 || eventLoops > MAX_EVENT_LOOPS) {
      throw new IllegalArgumentException(
          "event-loops: "
              + eventLoops
              + " (expected: 0 for one per processor, or 1.."
              + MAX_EVENT_LOOPS
              + ")");
    }
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdown-grace: " + shutdownGrace + " (expected: >= 0)");
    }
    Objects.requireNonNull(warmUp, "warmUp");
    if (warmUp.isNegative() || warmUp.compareTo(MAX_WARM_UP) > 0) {
      throw new IllegalArgumentException(
          "warm-up: " + warmUp + " (expected: 0 for none, up to " + MAX_WARM_UP + ")");
    }
    if (heartbeat.isNegative()) {
      throw new IllegalArgumentException("heartbeat: " + heartbeat + " (expected: >= 0)");
    }
    if (maxBody < 1) {
      throw new IllegalArgumentException("max-body: " + maxBody + " (expected: >= 1 byte)");
    }
    if (demoInterval.isNegative() || demoInterval.isZero()) {
      throw new IllegalArgumentException("demo-interval: " + demoInterval + " (expected: > 0)");
    }
    if (cookieName.isBlank()) {
      throw new IllegalArgumentException("cookie-name: empty (expected: a cookie name)");
    }
    if (developmentTokens) {
      requireHmac("publisher", publisherKey);
      if (subscriberKey != null) {
        requireHmac("subscriber", subscriberKey);
      }
    }
  }

  /** The event loops to start: {@link #eventLoops}, or one per processor the process may use. */
  public int resolvedEventLoops() {
    return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
  }

  /**
   * The draft-08 resource identifier: {@code --resource-id}, else the hub URL on the first listener
   * as configured (cleartext first), e.g. {@code http://localhost:3000/.well-known/mercure}.
   */
  public String resourceId() {
    return listen.isEmpty()
        ? protocols.resourceIdFor("https", tlsListen.get(0))
        : protocols.resourceIdFor("http", listen.get(0));
  }

  /** The hub can only sign tokens with a shared secret; a public key cannot sign. */
  private static void requireHmac(String role, JwtKey key) {
    if (key == null || !JWSAlgorithm.Family.HMAC_SHA.contains(key.algorithm())) {
      throw new IllegalArgumentException(
          "development-tokens: "
              + role
              + " key is "
              + (key == null ? "missing" : key.algorithm().getName())
              + " (expected: an HMAC key the hub can sign with, as in development mode)");
    }
  }

  /** A builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's settings, to change some. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.listen = listen;
    b.tlsListen = tlsListen;
    b.tlsCertificate = tlsCertificate;
    b.tlsKey = tlsKey;
    b.maxConcurrentStreams = maxConcurrentStreams;
    b.shutdownGrace = shutdownGrace;
    b.transport = transport;
    b.eventLoops = eventLoops;
    b.hub = hub;
    b.publisherKey = publisherKey;
    b.subscriberKey = subscriberKey;
    b.anonymous = anonymous;
    b.corsOrigins = corsOrigins;
    b.publishOrigins = publishOrigins;
    b.cookieName = cookieName;
    b.heartbeat = heartbeat;
    b.maxBody = maxBody;
    b.demo = demo;
    b.demoInterval = demoInterval;
    b.metrics = metrics;
    b.developmentTokens = developmentTokens;
    b.limits = limits;
    b.protocols = protocols;
    b.authCallback = authCallback;
    b.ui = ui;
    b.adminListen = adminListen;
    b.warmUp = warmUp;
    return b;
  }

  /** Collects settings; {@link #build()} validates them all at once. */
  public static final class Builder {
    private List<InetSocketAddress> listen = List.of(new InetSocketAddress("localhost", 3000));
    private List<InetSocketAddress> tlsListen = List.of();
    private Path tlsCertificate;
    private Path tlsKey;
    private int maxConcurrentStreams = 250;
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private String transport = "auto";
    private int eventLoops;
    private HubConfig hub = HubConfig.DEFAULTS;
    private JwtKey publisherKey;
    private JwtKey subscriberKey;
    private boolean anonymous = true;
    private List<String> corsOrigins = List.of();
    private List<String> publishOrigins = List.of();
    private String cookieName = "mercureAuthorization";
    private Duration heartbeat = Duration.ofSeconds(40);
    private int maxBody = 1024 * 1024;
    private boolean demo = true;
    private Duration demoInterval = Duration.ofSeconds(3);
    private boolean metrics = true;
    private boolean developmentTokens = false;
    private Limits limits = Limits.DEFAULTS;
    private ProtocolConfig protocols = ProtocolConfig.DEFAULTS;
    private AuthCallbackConfig authCallback; // null: no callback
    private boolean ui = true;
    private InetSocketAddress adminListen;
    private Duration warmUp = Duration.ZERO;

    private Builder() {}

    public Builder listen(List<InetSocketAddress> addresses) {
      this.listen = addresses;
      return this;
    }

    public Builder tlsListen(List<InetSocketAddress> addresses) {
      this.tlsListen = addresses;
      return this;
    }

    /** The PEM certificate chain and private key for TLS (null: a generated development one). */
    public Builder tls(Path certificateChain, Path privateKey) {
      this.tlsCertificate = certificateChain;
      this.tlsKey = privateKey;
      return this;
    }

    public Builder maxConcurrentStreams(int streams) {
      this.maxConcurrentStreams = streams;
      return this;
    }

    public Builder transport(String name) {
      this.transport = name;
      return this;
    }

    /** Event loops serving connections; 0 (the default) for one per available processor. */
    public Builder eventLoops(int count) {
      this.eventLoops = count;
      return this;
    }

    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = grace;
      return this;
    }

    public Builder hub(HubConfig config) {
      this.hub = config;
      return this;
    }

    public Builder publisherKey(JwtKey key) {
      this.publisherKey = key;
      return this;
    }

    public Builder subscriberKey(JwtKey key) {
      this.subscriberKey = key;
      return this;
    }

    public Builder anonymous(boolean allowed) {
      this.anonymous = allowed;
      return this;
    }

    public Builder corsOrigins(List<String> origins) {
      this.corsOrigins = origins;
      return this;
    }

    public Builder publishOrigins(List<String> origins) {
      this.publishOrigins = origins;
      return this;
    }

    public Builder cookieName(String name) {
      this.cookieName = name;
      return this;
    }

    public Builder heartbeat(Duration interval) {
      this.heartbeat = interval;
      return this;
    }

    public Builder maxBody(int bytes) {
      this.maxBody = bytes;
      return this;
    }

    public Builder demo(boolean enabled) {
      this.demo = enabled;
      return this;
    }

    public Builder demoInterval(Duration interval) {
      this.demoInterval = interval;
      return this;
    }

    public Builder metrics(boolean enabled) {
      this.metrics = enabled;
      return this;
    }

    /** Off by default: anyone who can reach {@code /dev/token} can publish. */
    public Builder developmentTokens(boolean enabled) {
      this.developmentTokens = enabled;
      return this;
    }

    public Builder limits(Limits limits) {
      this.limits = limits;
      return this;
    }

    /** The application asked when a request carries no valid token; null for none. */
    public Builder authCallback(AuthCallbackConfig config) {
      this.authCallback = config;
      return this;
    }

    public Builder protocols(ProtocolConfig config) {
      this.protocols = config;
      return this;
    }

    /** Whether the web UI (page, static files, {@code /info}, {@code /dev/token}) is served. */
    public Builder ui(boolean enabled) {
      this.ui = enabled;
      return this;
    }

    /**
     * Serves the operations routes on their own listener at {@code address}, off the public ones.
     */
    public Builder adminListen(InetSocketAddress address) {
      this.adminListen = address;
      return this;
    }

    /**
     * How long to warm the hot paths up before {@code /readyz} answers 200; {@link Duration#ZERO}
     * (the default here, so that tests and embedders that never asked start ready) for none.
     */
    public Builder warmUp(Duration duration) {
      this.warmUp = duration;
      return this;
    }

    /** Validates every setting; throws {@link IllegalArgumentException} naming a bad one. */
    public ServerConfig build() {
      return new ServerConfig(
          listen,
          tlsListen,
          tlsCertificate,
          tlsKey,
          maxConcurrentStreams,
          hub,
          publisherKey,
          subscriberKey,
          anonymous,
          corsOrigins,
          publishOrigins,
          cookieName,
          heartbeat,
          maxBody,
          demo,
          demoInterval,
          shutdownGrace,
          transport,
          eventLoops,
          metrics,
          developmentTokens,
          limits,
          protocols,
          ui,
          adminListen,
          warmUp,
          authCallback);
    }
  }
}
