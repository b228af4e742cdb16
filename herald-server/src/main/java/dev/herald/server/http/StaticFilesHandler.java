package dev.herald.server.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET}/{@code HEAD} of the web UI ({@code /}, {@code /ui/…}) and its webjars ({@code
 * /webjars/…}) from {@link StaticFiles}. Webjar paths carry their version, so they are cached
 * for a year; the UI's own files are revalidated. Immutable; runs on the channel's event loop.
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
    boolean head = exchange.method().equals(HttpMethod.HEAD);
    FullHttpResponse response = Responses.full(HttpResponseStatus.OK, file.contentType(),
        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(file.bytes()));
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, file.bytes().length);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL,
        file.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
    exchange.respond(response);
  }
}
