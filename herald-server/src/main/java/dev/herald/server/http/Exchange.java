package dev.herald.server.http;

import dev.herald.core.HubException;
import dev.herald.server.sse.SseStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One request and the way back to its client: the decoded path and query, the protocol dialect it
 * speaks, and the means to answer it now, later (after an asynchronous hub call) or with an event
 * stream that takes the connection over.
 *
 * <p>Created per request by {@link HubHandler}. Runs on the channel's event loop; only {@link
 * #respondWhenDone} may be completed from another thread (it hops back to the loop).
 */
final class Exchange {

  /** Where the connection keeps the stream that took it over. */
  interface StreamSlot {
    void opened(SseStream stream);

    /** The stream failed before its headers went out; the connection is closed. */
    void failed();

    /**
     * The complete answer of the connection's request number {@code order}: written once the
     * answers of the requests before it are, then the connection takes its next request, or closes
     * after it when it is not kept alive.
     */
    void respond(long order, FullHttpResponse response, boolean keepAlive);
  }

  /** Bounds the work a request can cause by its number of parameters. */
  private static final int MAX_QUERY_PARAMS = 2_048;

  private final ChannelHandlerContext ctx;
  private final FullHttpRequest request;
  private final StreamSlot slot;
  private final long order;
  private final ProtocolDialects dialects;
  private final boolean keepAlive;
  private final QueryStringDecoder uri;
  private final String path;
  private Map<String, List<String>> query;
  private ProtocolDialect dialect;
  private Caller caller;

  /**
   * Who sent the request, resolved once for every handler that asks: the dialect it speaks and the
   * token it presents (null when none). The authorizer verifies that token; nothing reads it again.
   */
  record Caller(ProtocolDialect dialect, TokenLookup.Found token) {}

  /**
   * @param order the request's place on its connection, which its answer keeps
   * @param keepAlive whether the client keeps the connection after this answer (read once, by the
   *     connection's handler)
   * @throws HttpError 400 when the path cannot be decoded
   */
  Exchange(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      StreamSlot slot,
      long order,
      boolean keepAlive,
      ProtocolDialects dialects) {
    this.ctx = ctx;
    this.request = request;
    this.slot = slot;
    this.order = order;
    this.dialects = dialects;
    this.keepAlive = keepAlive;
    this.uri = decoder(request.uri());
    this.path = decoded(uri::path);
  }

  ChannelHandlerContext ctx() {
    return ctx;
  }

  FullHttpRequest request() {
    return request;
  }

  HttpMethod method() {
    return request.method();
  }

  HttpHeaders headers() {
    return request.headers();
  }

  /** The decoded path. */
  String path() {
    return path;
  }

  /** The path as sent, before percent-decoding. */
  String rawPath() {
    return uri.rawPath();
  }

  /**
   * The query parameters, decoded on first use (semicolons are ordinary characters).
   *
   * @throws HttpError 400 when the query cannot be decoded
   */
  Map<String, List<String>> query() {
    if (query == null) {
      query = decoded(uri::parameters);
    }
    return query;
  }

  /** The request's protocol dialect, chosen once. */
  ProtocolDialect dialect() {
    if (dialect == null) {
      dialect = dialects.choose(this);
    }
    return dialect;
  }

  /**
   * The request's caller, resolved on first use.
   *
   * @throws HttpError 400 for a query mixing protocol versions, the dialect's 401 for an {@code
   *     Authorization} header that is not a bearer token
   */
  Caller caller() {
    if (caller == null) {
      ProtocolDialect spoken = dialect();
      caller = new Caller(spoken, ProtocolDialects.token(this, spoken));
    }
    return caller;
  }

  /** The client's address, as the socket says (no proxy header is trusted here). */
  SocketAddress remoteAddress() {
    return ctx.channel().remoteAddress();
  }

  /**
   * The publish fields of the request body, decoded as {@code application/x-www-form-urlencoded}
   * straight from its bytes ({@link PublishFormDecoder}).
   *
   * @throws HttpError 400 when the body cannot be decoded
   */
  Map<String, List<String>> form() {
    return PublishFormDecoder.decode(request.content());
  }

  /**
   * Sends a complete response, in request order; keeps the connection open if the client asked to.
   */
  void respond(FullHttpResponse response) {
    slot.respond(order, response, keepAlive);
  }

  void fail(HttpError error) {
    respond(error.response());
  }

  /**
   * Answers once {@code stage} completes: on the event loop, with {@code answer} of its value or
   * the error {@code onFailure} maps its failure to. {@code answer} may throw {@link HttpError} or
   * {@link HubException}.
   */
  <T> void respondWhenDone(
      CompletionStage<T> stage,
      Function<T, FullHttpResponse> answer,
      Function<Throwable, HttpError> onFailure) {
    stage.whenComplete(
        (value, failure) -> {
          // Completed on this loop (a publish sequenced where it was read): answer now, inside the
          // read, so that the answers to pipelined requests leave together.
          if (ctx.executor().inEventLoop()) {
            answer(value, failure, answer, onFailure);
          } else {
            ctx.executor().execute(() -> answer(value, failure, answer, onFailure));
          }
        });
  }

  private <T> void answer(
      T value,
      Throwable failure,
      Function<T, FullHttpResponse> answer,
      Function<Throwable, HttpError> onFailure) {
    try {
      if (failure != null) {
        throw onFailure.apply(failure);
      }
      respond(answer.apply(value));
    } catch (HttpError | HubException e) {
      fail(HttpError.of(e));
    }
  }

  /**
   * Acts once {@code decision} completes: at once when it already has (a token decided: errors are
   * thrown to the caller as before), otherwise on the event loop when it does, answering its
   * failure, mapped by {@code onFailure}, or {@code act}'s own errors. {@code act} must not read
   * the request body: the request is released once its read returns.
   */
  <T> void whenDecided(
      CompletionStage<T> decision, Consumer<T> act, Function<Throwable, HttpError> onFailure) {
    CompletableFuture<T> done = decision.toCompletableFuture();
    if (done.isDone() && !done.isCompletedExceptionally()) {
      act.accept(done.join());
      return;
    }
    decision.whenComplete(
        (value, failure) -> {
          if (ctx.executor().inEventLoop()) {
            decided(value, failure, act, onFailure);
          } else {
            ctx.executor().execute(() -> decided(value, failure, act, onFailure));
          }
        });
  }

  private <T> void decided(
      T value, Throwable failure, Consumer<T> act, Function<Throwable, HttpError> onFailure) {
    try {
      if (failure != null) {
        throw onFailure.apply(failure);
      }
      act.accept(value);
    } catch (HttpError | HubException e) {
      fail(HttpError.of(e));
    }
  }

  /** Whether the client is still there: a decision that took a while may find it gone. */
  boolean connected() {
    return ctx.channel().isActive();
  }

  /** The stream takes the connection over; no other response may follow on it. */
  void streamOpened(SseStream stream) {
    slot.opened(stream);
  }

  /** The stream failed before its headers were sent: answer the error and close. */
  void streamFailed(HttpError error) {
    slot.failed();
    Responses.send(ctx, error.response(), false);
  }

  private static QueryStringDecoder decoder(String uri) {
    // Semicolons are ordinary characters in topic IRIs, not parameter separators.
    return QueryStringDecoder.builder()
        .hasPath(true)
        .semicolonIsNormalChar(true)
        .maxParams(MAX_QUERY_PARAMS)
        .build(uri);
  }

  /** Netty's decoders report bad percent-encoding as IllegalArgumentException: type it here. */
  private static <T> T decoded(Supplier<T> decode) {
    try {
      return decode.get();
    } catch (IllegalArgumentException e) {
      throw HttpError.malformed(e.getMessage());
    }
  }
}
