package dev.herald.server.limits;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * How a limit's refusal is worded: the HTTP layer's one response builder, handed to the front door
 * so that this package need not depend on the one that depends on it. Stateless; any thread.
 */
@FunctionalInterface
public interface Refusal {

  /** A complete response: {@code status} and {@code reason} as a one-line body. */
  FullHttpResponse response(HttpResponseStatus status, String reason);
}
