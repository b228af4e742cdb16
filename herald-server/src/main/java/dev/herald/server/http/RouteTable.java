package dev.herald.server.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Method + path → handler. Exact paths are looked up by hash; prefixed ones (static files, the
 * subscriptions API) are tried in order, the longest prefix first. An unknown path is a 404, a
 * known path with another method a 405 with {@code Allow}, and {@code OPTIONS} on a known path a
 * 204 with {@code Allow} (CORS preflights are answered earlier, by the CORS handler).
 *
 * <p>Immutable; one table serves every connection of a listener from any event loop.
 */
final class RouteTable {

  private final Map<String, List<Route>> exact = new LinkedHashMap<>();
  private final List<Route> prefixed = new ArrayList<>();

  RouteTable(List<Route> routes) {
    for (Route route : routes) {
      if (route.prefix()) {
        prefixed.add(route);
      } else {
        exact.computeIfAbsent(route.path(), path -> new ArrayList<>()).add(route);
      }
    }
    prefixed.sort((a, b) -> Integer.compare(b.path().length(), a.path().length()));
  }

  /** Runs the handler for the request, or throws the 404/405 that says why there is none. */
  void dispatch(Exchange exchange) {
    List<Route> candidates = candidates(exchange.path());
    if (candidates.isEmpty()) {
      throw HttpError.notFound(exchange.path());
    }
    HttpMethod method = exchange.method();
    for (Route route : candidates) {
      if (route.methods().contains(method)) {
        route.handler().handle(exchange);
        return;
      }
    }
    String allow = allow(candidates);
    if (method.equals(HttpMethod.OPTIONS)) {
      FullHttpResponse response = Responses.text(HttpResponseStatus.NO_CONTENT, "");
      // A 204 carries no body, so no Content-Length or Content-Type either (RFC 9110).
      response
          .headers()
          .remove(HttpHeaderNames.CONTENT_LENGTH)
          .remove(HttpHeaderNames.CONTENT_TYPE)
          .set(HttpHeaderNames.ALLOW, allow);
      exchange.respond(response);
      return;
    }
    throw HttpError.methodNotAllowed(method, allow);
  }

  /** The {@code Allow} value of a path, or null when no route serves it. */
  String allow(String path) {
    List<Route> candidates = candidates(path);
    return candidates.isEmpty() ? null : allow(candidates);
  }

  /** The routes of the path: its exact routes, else those of the longest matching prefix. */
  private List<Route> candidates(String path) {
    List<Route> routes = exact.get(path);
    if (routes != null) {
      return routes;
    }
    List<Route> matching = new ArrayList<>(2);
    for (Route route : prefixed) {
      if (route.matches(path)
          && (matching.isEmpty() || matching.get(0).path().equals(route.path()))) {
        matching.add(route);
      }
    }
    return matching;
  }

  private static String allow(List<Route> routes) {
    Set<String> methods = new LinkedHashSet<>();
    for (Route route : routes) {
      route.methods().forEach(method -> methods.add(method.name()));
    }
    methods.add(HttpMethod.OPTIONS.name());
    return String.join(", ", methods);
  }
}
