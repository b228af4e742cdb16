package dev.herald.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The web UI and the webjars it imports, served from the jar. Files found are kept in memory (the
 * set is bounded by what the jar holds); misses are not remembered, so random paths cannot grow the
 * cache. Safe from any thread.
 */
final class StaticFiles {

  /**
   * A file ready to send.
   *
   * @param cacheControl how long caches may keep it: a year for versioned webjar paths, an hour for
   *     {@code /herald.js} (other origins import it on every page), revalidation for the UI
   * @param etag a strong validator, so a revalidation costs a 304 instead of the file
   */
  record File(byte[] bytes, String contentType, String cacheControl, String etag) {}

  /** The path of the JavaScript client, at the root so that pages of any origin find it easily. */
  public static final String CLIENT_PATH = "/herald.js";

  private static final String IMMUTABLE = "public, max-age=31536000, immutable";
  private static final String REVALIDATE = "no-cache";
  private static final String CLIENT_CACHE = "public, max-age=3600";
  private static final String CLIENT_RESOURCE = "dev/herald/server/client/herald.js";

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
    String cacheControl = REVALIDATE;
    if (path.equals("/")) {
      resource = UI_ROOT + "index.html";
    } else if (path.equals(CLIENT_PATH)) {
      resource = CLIENT_RESOURCE;
      cacheControl = CLIENT_CACHE;
    } else if (path.startsWith("/ui/")) {
      resource = UI_ROOT + path.substring(4);
    } else if (path.startsWith("/webjars/")) {
      resource = WEBJARS_ROOT + path.substring(9);
      cacheControl = IMMUTABLE; // webjar paths carry the version
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
    File loaded = load(resource, cacheControl);
    if (loaded != null) {
      cache.put(resource, loaded);
    }
    return loaded;
  }

  private static File load(String resource, String cacheControl) {
    String extension = resource.substring(resource.lastIndexOf('.') + 1);
    String type = TYPES.get(extension);
    if (type == null) {
      return null;
    }
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readAllBytes();
      return new File(bytes, type, cacheControl, etag(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }

  private static String etag(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return "\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(bytes.length) + "\"";
  }
}
