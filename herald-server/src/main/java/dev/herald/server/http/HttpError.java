package dev.herald.server.http;

import dev.herald.core.HubException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletionException;

/**
 * The one error type of the HTTP layer: a status, a one-line reason a developer can act on, and the
 * headers that go with it ({@code WWW-Authenticate}, {@code Allow}). Handlers throw it; the
 * connection handler turns it into a response through {@link #response()}, the only place where
 * errors become responses. {@link #from(HubException)} is the only place where the core's error
 * kinds become HTTP status codes.
 *
 * <p>Immutable once thrown (headers are set while it is built); safe from any thread.
 */
public final class HttpError extends RuntimeException {

  private final HttpResponseStatus status;
  private final HttpHeaders headers = new DefaultHttpHeaders();

  public HttpError(HttpResponseStatus status, String reason) {
    super(oneLine(reason), null, false, false);
    this.status = status;
  }

  public HttpResponseStatus status() {
    return status;
  }

  /** The one-line reason, without the trailing newline the response body carries. */
  public String reason() {
    return getMessage();
  }

  /** The headers the response carries beyond the defaults; add them with {@link #withHeader}. */
  public HttpHeaders headers() {
    return headers;
  }

  /** Adds a response header; for building the error before it is thrown. */
  public HttpError withHeader(CharSequence name, String value) {
    headers.set(name, value);
    return this;
  }

  /** The response: status, the reason as a one-line {@code text/plain} body, and the headers. */
  public FullHttpResponse response() {
    FullHttpResponse response = Responses.error(status, reason());
    response.headers().setAll(headers); // set(headers) would drop Content-Type and Content-Length
    return response;
  }

  /**
   * The answer of a request the front door refuses (limits, timeouts): built here like every other
   * error; the front door closes the connection after it.
   */
  public static FullHttpResponse refusal(HttpResponseStatus status, String reason) {
    return Responses.refusal(status, oneLine(reason));
  }

  public static HttpError badRequest(String reason) {
    return new HttpError(HttpResponseStatus.BAD_REQUEST, reason);
  }

  public static HttpError forbidden(String reason) {
    return new HttpError(HttpResponseStatus.FORBIDDEN, reason);
  }

  /** 404 naming the path. */
  public static HttpError notFound(String path) {
    return new HttpError(HttpResponseStatus.NOT_FOUND, "no such resource: " + path);
  }

  /** 405 naming the method, with the {@code Allow} header listing what the path accepts. */
  public static HttpError methodNotAllowed(HttpMethod method, String allow) {
    return new HttpError(
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            "method " + method + " not allowed here (expected: " + allow + ")")
        .withHeader(HttpHeaderNames.ALLOW, allow);
  }

  /** A request the decoders could not read (bad percent-encoding, a broken request line). */
  public static HttpError malformed(String detail) {
    return badRequest("malformed request: " + detail);
  }

  /** The core's error kinds mapped to HTTP: the only such mapping. */
  public static HttpError from(HubException error) {
    HttpResponseStatus status =
        switch (error.kind()) {
          case BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
          case UNAUTHORIZED -> HttpResponseStatus.UNAUTHORIZED;
          case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
          case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
          case PAYLOAD_TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
          case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
        };
    return new HttpError(status, error.getMessage());
  }

  /**
   * The answer to whatever a handler threw or a stage failed with: see {@link #from(Throwable,
   * String)}, with no prefix.
   */
  public static HttpError of(Throwable failure) {
    return from(failure, "");
  }

  /**
   * The error for an asynchronous failure: typed errors keep their status; anything else is the hub
   * failing, a 503 prefixed with what was being done ({@code what} may be empty).
   */
  public static HttpError from(Throwable failure, String what) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof HttpError e) {
      return e;
    }
    if (cause instanceof HubException e) {
      return from(e);
    }
    return new HttpError(
        HttpResponseStatus.SERVICE_UNAVAILABLE,
        what.isEmpty() ? String.valueOf(cause) : what + ": " + cause);
  }

  /** Reasons may quote client input; a CR or LF would split the body (or a header) in two. */
  private static String oneLine(String reason) {
    String text = reason == null ? "" : reason;
    return text.indexOf('\r') < 0 && text.indexOf('\n') < 0
        ? text
        : text.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ');
  }
}
