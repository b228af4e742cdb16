package dev.herald.server.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET}/{@code HEAD} of the web UI ({@code /}, {@code /ui/…}), its webjars ({@code
 * /webjars/…}) and the JavaScript client ({@code /herald.js}) from {@link StaticFiles}. Webjar
 * paths carry their version, so they are cached for a year; the client for an hour; the UI's own
 * files are revalidated. Every file has an ETag, so a revalidation costs a 304. Immutable; runs on
 * the channel's event loop.
 */
final class StaticFilesHandler implements RouteHandler {

  static final String INDEX = "/";
  static final String UI = "/ui/";
  static final String WEBJARS = "/webjars/";

  private final StaticFiles files;

  StaticFilesHandler(StaticFiles files) {
    this.files = files;
  }

  @Override
  public void handle(Exchange exchange) {
    StaticFiles.File file = files.find(exchange.path());
    if (file == null) {
      throw HttpError.notFound(exchange.path());
    }
    boolean unchanged = file.etag().equals(exchange.headers().get(HttpHeaderNames.IF_NONE_MATCH));
    boolean empty = unchanged || exchange.method().equals(HttpMethod.HEAD);
    FullHttpResponse response =
        Responses.full(
            unchanged ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
            file.contentType(),
            empty ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(file.bytes()));
    if (unchanged) {
      // A 304 describes the cached copy: no body, so no Content-Length or Content-Type of one.
      response
          .headers()
          .remove(HttpHeaderNames.CONTENT_TYPE)
          .remove(HttpHeaderNames.CONTENT_LENGTH);
    } else {
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, file.bytes().length);
    }
    response
        .headers()
        .set(HttpHeaderNames.CACHE_CONTROL, file.cacheControl())
        .set(HttpHeaderNames.ETAG, file.etag());
    exchange.respond(response);
  }
}
