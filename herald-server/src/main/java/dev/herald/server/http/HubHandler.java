package dev.herald.server.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.Hub;
import dev.herald.core.HubException;
import dev.herald.core.Readiness;
import dev.herald.core.Update;
import dev.herald.core.auth.AuthException;
import dev.herald.core.auth.Claims;
import dev.herald.core.auth.TokenVerifier;
import dev.herald.core.dispatch.ActiveSubscription;
import dev.herald.core.topic.TopicSelector;
import dev.herald.core.sse.SseFrame;
import dev.herald.core.auth.TokenMinter;
import dev.herald.server.ServerConfig;
import dev.herald.server.demo.DemoClock;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.metrics.MetricsPublisher;
import dev.herald.server.sse.SseStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests: the Mercure hub ({@code /.well-known/mercure}), the classic demo ({@code
 * /sse}), the web UI and what it asks about the server ({@code /info}, {@code /dev/token} in
 * development mode), metrics, liveness ({@code /healthz}) and readiness ({@code /readyz}). Once
 * a stream is open, the connection belongs to it.
 *
 * <p>One instance per connection (or per HTTP/2 stream). Runs on the channel's event loop; must
 * not block.
 */
final class HubHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  public static final String HUB_PATH = "/.well-known/mercure";
  public static final String DEV_TOKEN_PATH = "/dev/token";
  /** How long a token from {@code /dev/token} is valid: a working session, not forever. */
  private static final Duration DEV_TOKEN_TTL = Duration.ofHours(12);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String ALLOW = "GET, POST, OPTIONS";
  private static final int MAX_QUERY_PARAMS = 2_048;
  private static final Logger log = LoggerFactory.getLogger(HubHandler.class);

  private final HubRoutes routes;
  private SseStream stream;

  public HubHandler(HubRoutes routes) {
    this.routes = routes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (stream != null) {
      // HTTP/1.1 cannot answer a pipelined request behind an endless response.
      Responses.send(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST,
          "request pipelined behind an open event stream (expected: a new connection)"), false);
      return;
    }
    if (request.decoderResult().isFailure()) {
      Responses.send(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST,
          "malformed request: " + request.decoderResult().cause().getMessage()), false);
      return;
    }
    try {
      route(ctx, request, keepAlive);
    } catch (HubException e) {
      Responses.send(ctx, Responses.error(HttpResponseStatus.valueOf(e.kind().httpStatus()),
          e.getMessage()), keepAlive);
    } catch (Unauthorized e) {
      FullHttpResponse response = Responses.error(HttpResponseStatus.UNAUTHORIZED, e.getMessage());
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, e.challenge);
      Responses.send(ctx, response, keepAlive);
    } catch (IllegalArgumentException e) {
      // Netty's decoders throw this for bad percent-encoding and the like.
      Responses.send(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST,
          "malformed request: " + e.getMessage()), keepAlive);
    }
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    QueryStringDecoder uri = decoder(request.uri(), true);
    String path = uri.path();
    HttpMethod method = request.method();
    if (method.equals(HttpMethod.OPTIONS)) {
      FullHttpResponse response = Responses.text(HttpResponseStatus.NO_CONTENT, "");
      // A 204 carries no body, so no Content-Length or Content-Type either (RFC 9110).
      response.headers().remove(HttpHeaderNames.CONTENT_LENGTH).remove(HttpHeaderNames.CONTENT_TYPE)
          .set(HttpHeaderNames.ALLOW, ALLOW);
      Responses.send(ctx, response, keepAlive);
      return;
    }
    switch (path) {
      case HUB_PATH -> {
        if (method.equals(HttpMethod.GET)) {
          subscribe(ctx, request, uri.parameters());
        } else if (method.equals(HttpMethod.POST)) {
          publish(ctx, request, uri.parameters(), keepAlive);
        } else {
          methodNotAllowed(ctx, method, keepAlive);
        }
      }
      case "/sse" -> {
        if (routes.demoClock() == null) {
          notFound(ctx, path, keepAlive);
        } else if (!method.equals(HttpMethod.GET)) {
          methodNotAllowed(ctx, method, keepAlive);
        } else {
          demo(ctx, request);
        }
      }
      case "/healthz" -> Responses.send(ctx, Responses.text(HttpResponseStatus.OK, "ok\n"), keepAlive);
      case "/readyz" -> onlyGet(ctx, method, path, keepAlive, this::readiness);
      case "/info" -> onlyGet(ctx, method, path, keepAlive,
          () -> Responses.json(HttpResponseStatus.OK, routes.info().json()));
      case "/metrics" -> {
        if (!routes.metrics().enabled()) {
          notFound(ctx, path, keepAlive);
        } else {
          onlyGet(ctx, method, path, keepAlive, () -> Responses.full(HttpResponseStatus.OK,
              PROMETHEUS_TEXT, Unpooled.copiedBuffer(routes.metrics().scrape(), StandardCharsets.UTF_8)));
        }
      }
      case DEV_TOKEN_PATH -> {
        if (!routes.config().developmentTokens()) {
          notFound(ctx, path, keepAlive);
        } else {
          onlyGet(ctx, method, path, keepAlive, () -> developmentTokens(request.headers()));
        }
      }
      default -> {
        if (path.startsWith(ActiveSubscription.COLLECTION_PATH)) {
          subscriptions(ctx, request, uri, keepAlive);
        } else {
          serveFile(ctx, method, path, keepAlive);
        }
      }
    }
  }

  private void subscribe(
      ChannelHandlerContext ctx, FullHttpRequest request, Map<String, List<String>> query) {
    List<String> topics = query.getOrDefault("topic", List.of());
    if (topics.isEmpty()) {
      throw HubException.badRequest("topic: missing (expected: at least one topic query parameter)");
    }
    Claims claims = subscriberClaims(request.headers(), query);
    String lastEventId = request.headers().get("Last-Event-ID");
    if (lastEventId == null) {
      lastEventId = first(query, "lastEventID");
    }
    Runnable onClose = () -> {};
    MetricsPublisher watched = routes.metricsPublisher();
    if (watched != null && topics.contains(HubMetrics.TOPIC)) {
      // The figures are published only while someone watches them.
      watched.streamOpened();
      onClose = watched::streamClosed;
    }
    openStream(ctx, topics, claims, lastEventId, SseFrame.OPEN_COMMENT, onClose);
  }

  private void demo(ChannelHandlerContext ctx, FullHttpRequest request) {
    DemoClock clock = routes.demoClock();
    clock.streamOpened();
    openStream(ctx, List.of(DemoClock.TOPIC), Claims.anonymous(),
        request.headers().get("Last-Event-ID"), SseFrame.message("connected"), clock::streamClosed);
  }

  private void openStream(ChannelHandlerContext ctx, List<String> topics, Claims claims,
      String lastEventId, byte[] greeting, Runnable onClose) {
    HttpHeaders extra = new DefaultHttpHeaders().set("link", Responses.DISCOVERY_LINK);
    SseStream.Options options = new SseStream.Options(lastEventId, claims.expiresAt(),
        routes.config().heartbeat(), greeting, extra, routes.clock(), routes.streams(),
        routes.metrics().latency(), onClose);
    try {
      stream = SseStream.open(ctx, routes.hub(), topics, claims.subscribe(), claims.payload(),
          options, (status, reason) -> {
            stream = null;
            Responses.send(ctx, Responses.error(status, reason), false);
          });
    } catch (HubException e) {
      onClose.run();
      throw e;
    }
  }

  private void subscriptions(ChannelHandlerContext ctx, FullHttpRequest request,
      QueryStringDecoder uri, boolean keepAlive) {
    if (!request.method().equals(HttpMethod.GET)) {
      methodNotAllowed(ctx, request.method(), keepAlive);
      return;
    }
    if (!routes.hub().config().subscriptionEvents()) {
      throw new HubException(HubException.Kind.NOT_FOUND,
          "the subscriptions API is off (start the hub with --subscriptions)");
    }
    TokenLookup.Found found = findToken(request.headers(), uri.parameters());
    if (found == null) {
      throw Unauthorized.missing("subscriber", routes.config().cookieName());
    }
    Claims claims = verify(routes.subscriberVerifier(), found.token(), "subscriber");
    // The protocol: the requested URL must match one of the token's mercure.subscribe selectors.
    if (!TopicSelector.anyMatches(claims.subscribe().stream().map(TopicSelector::of).toList(),
        List.of(request.uri(), uri.rawPath()))) {
      throw new HubException(HubException.Kind.FORBIDDEN,
          request.uri() + " is not matched by the token's mercure.subscribe " + claims.subscribe());
    }
    SubscriptionsApi.Query query = SubscriptionsApi.parse(uri.rawPath());
    routes.hub().subscriptions().whenComplete((snapshot, failure) -> ctx.executor().execute(() -> {
      try {
        if (failure != null) {
          throw failure instanceof HubException e ? e
              : new HubException(HubException.Kind.UNAVAILABLE, String.valueOf(failure));
        }
        FullHttpResponse response = Responses.full(HttpResponseStatus.OK, "application/ld+json",
            Unpooled.copiedBuffer(SubscriptionsApi.render(query, snapshot), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.ETAG, "\"" + snapshot.lastEventId() + "\"")
            .set(HttpHeaderNames.CACHE_CONTROL, "must-revalidate");
        Responses.send(ctx, response, keepAlive);
      } catch (HubException e) {
        Responses.send(ctx, Responses.error(HttpResponseStatus.valueOf(e.kind().httpStatus()),
            e.getMessage()), keepAlive);
      }
    }));
  }

  private Claims subscriberClaims(HttpHeaders headers, Map<String, List<String>> query) {
    TokenLookup.Found found = findToken(headers, query);
    if (found == null) {
      if (routes.config().anonymous()) {
        return Claims.anonymous();
      }
      throw Unauthorized.missing("subscriber", routes.config().cookieName());
    }
    return verify(routes.subscriberVerifier(), found.token(), "subscriber");
  }

  private void publish(ChannelHandlerContext ctx, FullHttpRequest request,
      Map<String, List<String>> query, boolean keepAlive) {
    HttpHeaders headers = request.headers();
    String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
    if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      Responses.send(ctx, Responses.error(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "content-type: '" + contentType + "' (expected: application/x-www-form-urlencoded)"),
          keepAlive);
      return;
    }
    TokenLookup.Found found = findToken(headers, query);
    if (found == null) {
      throw Unauthorized.missing("publisher", routes.config().cookieName());
    }
    Claims claims = verify(routes.publisherVerifier(), found.token(), "publisher");
    if (found.source() == TokenLookup.Source.COOKIE) {
      checkPublishOrigin(headers);
    }
    String body = request.content().toString(StandardCharsets.UTF_8);
    Update update = Update.fromForm(decoder(body, false).parameters());
    Hub.authorizePublish(claims.publish(), update);
    routes.hub().publish(update).whenComplete((event, failure) -> ctx.executor().execute(() -> {
      if (failure == null) {
        Responses.send(ctx, Responses.text(HttpResponseStatus.OK, event.id()), keepAlive);
      } else {
        HubException error = failure instanceof HubException e ? e
            : new HubException(HubException.Kind.UNAVAILABLE, "publish failed: " + failure);
        if (!(failure instanceof HubException)) {
          log.warn("publish failed", failure);
        }
        Responses.send(ctx, Responses.error(
            HttpResponseStatus.valueOf(error.kind().httpStatus()), error.getMessage()), keepAlive);
      }
    }));
  }

  /**
   * Browsers attach cookies to cross-site requests, so a cookie-authenticated publish must come
   * from an allowed origin (CSRF).
   */
  private void checkPublishOrigin(HttpHeaders headers) {
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (origin == null) {
      String referer = headers.get(HttpHeaderNames.REFERER);
      origin = referer == null ? null : originOf(referer);
    }
    List<String> allowed = routes.config().publishOrigins();
    if (origin == null) {
      throw new HubException(HubException.Kind.FORBIDDEN,
          "cookie-authenticated publish without Origin or Referer header (expected: one of them)");
    }
    if (!allowed.contains("*") && !allowed.contains(origin)) {
      throw new HubException(HubException.Kind.FORBIDDEN,
          "origin " + origin + " may not publish with a cookie (expected one of: " + allowed + ")");
    }
  }

  private TokenLookup.Found findToken(HttpHeaders headers, Map<String, List<String>> query) {
    try {
      return TokenLookup.find(headers, query, routes.config().cookieName());
    } catch (TokenLookup.MalformedHeader e) {
      throw new Unauthorized(e.getMessage(), "invalid_request");
    }
  }

  private static Claims verify(TokenVerifier verifier, String token, String role) {
    if (verifier == null) {
      throw new Unauthorized(role + " tokens are not accepted: the hub has no " + role
          + " key (start it with --" + role + "-jwt-key or --jwt-key)", "invalid_token");
    }
    try {
      return verifier.verify(token);
    } catch (AuthException e) {
      throw new Unauthorized(e.getMessage(), "invalid_token");
    }
  }

  /**
   * A publisher token and a subscriber token for every topic, signed with the hub's own keys, so
   * the playground works without copying the token printed at start-up. Only the hub's own page
   * may ask: with CORS open to any origin in development mode, another site could otherwise read
   * a token from a developer's local hub.
   */
  private FullHttpResponse developmentTokens(HttpHeaders headers) {
    String site = headers.get("Sec-Fetch-Site");
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    String host = headers.get(HttpHeaderNames.HOST);
    boolean crossSite = site != null && !site.equals("same-origin") && !site.equals("none");
    boolean foreignOrigin = origin != null && (host == null || !origin.endsWith("://" + host));
    if (crossSite || foreignOrigin) {
      throw new HubException(HubException.Kind.FORBIDDEN, "development tokens are only given to"
          + " the hub's own page (got Origin " + origin + ", Sec-Fetch-Site " + site + ")");
    }
    ServerConfig config = routes.config();
    String publisher = TokenMinter.mint(config.publisherKey(), List.of("*"), null, null,
        DEV_TOKEN_TTL, routes.clock());
    String subscriber = config.subscriberKey() == null ? null
        : TokenMinter.mint(config.subscriberKey(), null, List.of("*"), null, DEV_TOKEN_TTL,
            routes.clock());
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("publisher", publisher);
    json.put("subscriber", subscriber);
    json.put("publish", List.of("*"));
    json.put("subscribe", List.of("*"));
    json.put("expiresInSeconds", DEV_TOKEN_TTL.toSeconds());
    FullHttpResponse response =
        Responses.json(HttpResponseStatus.OK, JSONObjectUtils.toJSONString(json));
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }

  /**
   * Readiness for a load balancer: 503 with the reason while this node would not receive updates
   * (its shared log unreachable, or its tail too far behind), so new subscribers go elsewhere.
   */
  private FullHttpResponse readiness() {
    Readiness readiness = routes.hub().readiness();
    FullHttpResponse response = readiness.ready()
        ? Responses.text(HttpResponseStatus.OK, "ready\n")
        : Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "not ready: " + readiness.reason());
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }

  private static void onlyGet(ChannelHandlerContext ctx, HttpMethod method, String path,
      boolean keepAlive, Supplier<FullHttpResponse> answer) {
    if (method.equals(HttpMethod.GET)) {
      Responses.send(ctx, answer.get(), keepAlive);
    } else {
      methodNotAllowed(ctx, method, keepAlive);
    }
  }

  private void serveFile(ChannelHandlerContext ctx, HttpMethod method, String path,
      boolean keepAlive) {
    StaticFiles.File file = routes.files().find(path);
    if (file == null) {
      notFound(ctx, path, keepAlive);
      return;
    }
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
      methodNotAllowed(ctx, method, keepAlive);
      return;
    }
    FullHttpResponse response = Responses.full(HttpResponseStatus.OK, file.contentType(),
        method.equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(file.bytes()));
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, file.bytes().length);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL,
        file.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
    Responses.send(ctx, response, keepAlive);
  }

  private static void notFound(ChannelHandlerContext ctx, String path, boolean keepAlive) {
    Responses.send(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "no such resource: " + path),
        keepAlive);
  }

  private static void methodNotAllowed(ChannelHandlerContext ctx, HttpMethod method,
      boolean keepAlive) {
    FullHttpResponse response = Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
        "method " + method + " not allowed here (expected: " + ALLOW + ")");
    response.headers().set(HttpHeaderNames.ALLOW, ALLOW);
    Responses.send(ctx, response, keepAlive);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (stream != null && ctx.channel().isWritable()) {
      stream.drain();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (stream != null) {
      stream.closeQuietly();
      stream = null;
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets by clients that went away are routine for long-lived streams.
    log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private static QueryStringDecoder decoder(String text, boolean hasPath) {
    // Semicolons are ordinary characters in topic IRIs, not parameter separators.
    return QueryStringDecoder.builder()
        .hasPath(hasPath)
        .semicolonIsNormalChar(true)
        .maxParams(MAX_QUERY_PARAMS)
        .build(text);
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static String originOf(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getScheme() == null || uri.getHost() == null) {
        return null;
      }
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A 401 with the {@code WWW-Authenticate} challenge that says why. */
  private static final class Unauthorized extends RuntimeException {
    final String challenge;

    Unauthorized(String reason, String error) {
      super(reason, null, false, false);
      this.challenge = "Bearer realm=\"mercure\", error=\"" + error + "\", error_description=\""
          + reason.replace("\"", "'") + "\"";
    }

    static Unauthorized missing(String role, String cookieName) {
      return new Unauthorized(role + " token missing (expected: Authorization: Bearer <JWT>,"
          + " the authorization query parameter, or the " + cookieName + " cookie)",
          "invalid_request");
    }
  }
}
