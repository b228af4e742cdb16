package dev.herald.server.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /.well-known/oauth-protected-resource/.well-known/mercure}: the hub's RFC 9728
 * protected resource metadata (draft-08 "Protected Resource Metadata"), public, no token needed.
 * Immutable; runs on the channel's event loop.
 */
final class MetadataHandler implements RouteHandler {

  private final byte[] document;

  MetadataHandler(ResourceMetadata metadata) {
    this.document = metadata.json().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(Exchange exchange) {
    FullHttpResponse response =
        Responses.full(HttpResponseStatus.OK, "application/json", Unpooled.wrappedBuffer(document));
    // Static for the life of the process; a client may keep it a little.
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=300");
    exchange.respond(response);
  }
}
