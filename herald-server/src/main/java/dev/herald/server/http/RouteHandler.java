package dev.herald.server.http;

/**
 * Answers the requests of one route: responds, responds later, or opens a stream through the {@link
 * Exchange}; failures are thrown as {@link HttpError}. Runs on the channel's event loop; must not
 * block.
 */
@FunctionalInterface
interface RouteHandler {
  void handle(Exchange exchange);
}
