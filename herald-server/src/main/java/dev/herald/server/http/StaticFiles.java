package dev.herald.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI and the webjars it imports, served from the jar. Files found are kept in memory
 * (the set is bounded by what the jar holds); misses are not remembered, so random paths cannot
 * grow the cache. Safe from any thread.
 */
final class StaticFiles {

  /** A file ready to send. */
  record File(byte[] bytes, String contentType, boolean immutable) {}

  private static final String UI_ROOT = "dev/herald/server/ui/";
  private static final String WEBJARS_ROOT = "META-INF/resources/webjars/";
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "json", "application/json",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "map", "application/json");

  private final Map<String, File> cache = new ConcurrentHashMap<>();

  /** The file for a request path, or null when there is none. */
  File find(String path) {
    String resource;
    boolean immutable = false;
    if (path.equals("/")) {
      resource = UI_ROOT + "index.html";
    } else if (path.startsWith("/ui/")) {
      resource = UI_ROOT + path.substring(4);
    } else if (path.startsWith("/webjars/")) {
      resource = WEBJARS_ROOT + path.substring(9);
      immutable = true; // webjar paths carry the version
    } else {
      return null;
    }
    if (resource.contains("..") || resource.contains("//") || resource.endsWith("/")) {
      return null;
    }
    File cached = cache.get(resource);
    if (cached != null) {
      return cached;
    }
    File loaded = load(resource, immutable);
    if (loaded != null) {
      cache.put(resource, loaded);
    }
    return loaded;
  }

  private static File load(String resource, boolean immutable) {
    String extension = resource.substring(resource.lastIndexOf('.') + 1);
    String type = TYPES.get(extension);
    if (type == null) {
      return null;
    }
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : new File(in.readAllBytes(), type, immutable);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }
}
