package dev.herald.server.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * A path (exact, or every path under a prefix) and the methods one handler answers there.
 * Immutable.
 */
record Route(String path, boolean prefix, List<HttpMethod> methods, RouteHandler handler) {

  Route {
    methods = List.copyOf(methods);
  }

  static Route exact(String path, RouteHandler handler, HttpMethod... methods) {
    return new Route(path, false, List.of(methods), handler);
  }

  /** Every path starting with {@code prefix}; the handler answers 404 for those it lacks. */
  static Route prefix(String prefix, RouteHandler handler, HttpMethod... methods) {
    return new Route(prefix, true, List.of(methods), handler);
  }

  boolean matches(String requestPath) {
    return prefix ? requestPath.startsWith(path) : requestPath.equals(path);
  }
}
