package dev.herald.core.topic.urlpattern;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A compiled URL pattern per the WHATWG URL Pattern standard: eight components (protocol, username,
 * password, hostname, port, pathname, search, hash), each a pattern string compiled to a
 * linear-time regular expression.
 *
 * <p>{@link #compile(String, String)} takes the one-string form a Mercure subscriber sends, with
 * the hub URL as base so relative patterns such as {@code /books/:id} work; {@link #test} matches a
 * topic resolved against the same base. {@code ignoreCase} exists for the standard's tests only:
 * Mercure forbids it.
 *
 * <p>Immutable; safe from any thread.
 */
public final class UrlPattern {

  static final List<String> COMPONENTS =
      List.of("protocol", "username", "password", "hostname", "port", "pathname", "search", "hash");

  private final Map<String, Component> components;

  private UrlPattern(Map<String, Component> components) {
    this.components = components;
  }

  /**
   * Compiles a pattern written as one string, resolving a relative one against {@code baseUrl}.
   *
   * @throws UrlPatternException if the pattern or the base URL is invalid, or the pattern is
   *     relative and there is no base
   */
  public static UrlPattern compile(String pattern, String baseUrl) {
    return compile(pattern, baseUrl, false);
  }

  static UrlPattern compile(String pattern, String baseUrl, boolean ignoreCase) {
    pattern = WhatwgUrl.scalarValues(pattern);
    UrlPatternInit init = ConstructorStringParser.parse(pattern);
    if (baseUrl == null && init.protocol() == null) {
      throw new UrlPatternException(
          "invalid pattern \""
              + pattern
              + "\": relative (expected: an absolute pattern, or a base URL)");
    }
    if (baseUrl != null) {
      init = init.with("baseURL", baseUrl);
    }
    return compile(init, ignoreCase);
  }

  /** "create" from a URLPatternInit. */
  static UrlPattern compile(UrlPatternInit init, boolean ignoreCase) {
    UrlPatternInit processed = process(init.scalarValues(), true, null);
    for (String name : COMPONENTS) {
      if (!processed.has(name)) {
        processed = processed.with(name, "*");
      }
    }
    Integer defaultPort = WhatwgUrl.defaultPort(processed.protocol());
    if (defaultPort != null && processed.port().equals(defaultPort.toString())) {
      processed = processed.with("port", "");
    }
    Map<String, Component> out = new LinkedHashMap<>();
    Component protocol =
        component("protocol", processed.protocol(), Canonicalize::protocol, Options.DEFAULT);
    out.put("protocol", protocol);
    out.put(
        "username",
        component("username", processed.username(), Canonicalize::username, Options.DEFAULT));
    out.put(
        "password",
        component("password", processed.password(), Canonicalize::password, Options.DEFAULT));
    boolean ipv6 = isIpv6Pattern(processed.hostname());
    out.put(
        "hostname",
        component(
            ipv6 ? "ipv6-hostname" : "hostname",
            processed.hostname(),
            ipv6 ? Canonicalize::ipv6Hostname : Canonicalize::hostname,
            Options.HOSTNAME));
    out.put(
        "port",
        component("port", processed.port(), v -> Canonicalize.port(v, null), Options.DEFAULT));
    Options options = Options.DEFAULT.withIgnoreCase(ignoreCase);
    if (protocol.matchesASpecialScheme()) {
      out.put(
          "pathname",
          component(
              "pathname",
              processed.pathname(),
              Canonicalize::pathname,
              Options.PATHNAME.withIgnoreCase(ignoreCase)));
    } else {
      out.put(
          "pathname",
          component(
              "opaque-pathname", processed.pathname(), Canonicalize::opaquePathname, options));
    }
    out.put("search", component("search", processed.search(), Canonicalize::search, options));
    out.put("hash", component("hash", processed.hash(), Canonicalize::hash, options));
    return new UrlPattern(out);
  }

  /** "compile a component", or the same component another pattern compiled before. */
  private static Component component(
      String cacheName, String input, UnaryOperator<String> encoding, Options options) {
    return ComponentCache.get(
        cacheName, input, options, () -> Component.compile(input, encoding, options));
  }

  /** Whether {@code input}, resolved against {@code baseUrl} (may be null), matches. */
  public boolean test(String input, String baseUrl) {
    Optional<WhatwgUrl> url = WhatwgUrl.parse(input, baseUrl);
    return url.isPresent() && test(url.get());
  }

  /** Whether an already parsed URL matches: lets a caller parse a topic once for many patterns. */
  public boolean test(WhatwgUrl url) {
    return components.get("protocol").test(url.scheme())
        && components.get("username").test(url.username())
        && components.get("password").test(url.password())
        && components.get("hostname").test(url.hostname())
        && components.get("port").test(url.port())
        && components.get("pathname").test(url.pathname())
        && components.get("search").test(url.search())
        && components.get("hash").test(url.hash());
  }

  /** The normalized pattern string of one component, e.g. {@code pathname}. */
  public String component(String name) {
    Component component = components.get(name);
    if (component == null) {
      throw new IllegalArgumentException(
          "component: " + name + " (expected: one of " + COMPONENTS + ")");
    }
    return component.patternString();
  }

  Component compiled(String name) {
    return components.get(name);
  }

  /** Whether some component holds a custom regular expression group. */
  public boolean hasRegexpGroups() {
    return components.values().stream().anyMatch(Component::hasRegexpGroups);
  }

  /**
   * The longest string known to start {@link #indexKey} of every URL this pattern matches, for an
   * index by literal prefix: {@code scheme://} when the protocol is fixed text, then the host and
   * port while they are, then the pathname's fixed text up to its first group (with that group's
   * prefix when the group is required). Empty when the protocol is not fixed text.
   *
   * <p>Sound because each component's regular expression is its parts in order, fixed text escaped,
   * and a group with no modifier written {@code prefix(...)suffix}: a matching value starts with
   * the fixed parts before the first group. A component that ignores case says nothing of the
   * input's characters, so it ends the prefix (only the pathname can: protocol, host and port never
   * ignore case).
   */
  public String literalPrefix() {
    String protocol = fixedText("protocol");
    if (protocol == null) {
      return "";
    }
    StringBuilder prefix = new StringBuilder(protocol).append("://");
    String hostname = fixedText("hostname");
    if (hostname == null) {
      return prefix.toString();
    }
    prefix.append(hostname);
    String port = fixedText("port");
    if (port == null) {
      return prefix.toString();
    }
    if (!port.isEmpty()) {
      prefix.append(':').append(port);
    }
    Component pathname = components.get("pathname");
    if (pathname.ignoreCase()) {
      return prefix.toString();
    }
    for (Part part : pathname.parts()) {
      if (part.modifier() != Part.Modifier.NONE) {
        break;
      }
      if (part.type() != Part.Type.FIXED_TEXT) {
        // A required group's prefix is written before whatever the group matches.
        prefix.append(part.prefix());
        break;
      }
      prefix.append(part.value());
    }
    return prefix.toString();
  }

  /**
   * The longest string known to end {@link #indexKey} of every URL this pattern matches without
   * overlapping {@link #literalPrefix()} in it: the pathname's fixed text after its last group
   * (with that group's suffix when the group is required); the whole pathname when it is fixed text
   * and the prefix stops before it; otherwise empty. Sound for the reason the prefix is.
   */
  public String literalSuffix() {
    Component pathname = components.get("pathname");
    if (pathname.ignoreCase()) {
      return "";
    }
    List<Part> parts = pathname.parts();
    StringBuilder reversed = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      Part part = parts.get(i);
      if (part.type() == Part.Type.FIXED_TEXT && part.modifier() == Part.Modifier.NONE) {
        reversed.append(new StringBuilder(part.value()).reverse());
        continue;
      }
      if (part.modifier() == Part.Modifier.NONE) {
        // A required group's suffix is written after whatever the group matches.
        reversed.append(new StringBuilder(part.suffix()).reverse());
      }
      return reversed.reverse().toString();
    }
    // All fixed text: the prefix holds it whenever it reaches the pathname.
    boolean prefixReachesPathname =
        fixedText("protocol") != null && fixedText("hostname") != null && fixedText("port") != null;
    return prefixReachesPathname ? "" : reversed.reverse().toString();
  }

  /**
   * A URL's scheme, host, port and path as one string ({@code https://example.com/books/1}): what
   * {@link #literalPrefix()} is a prefix of. Credentials, query and fragment are left out.
   */
  public static String indexKey(WhatwgUrl url) {
    StringBuilder key = new StringBuilder(url.scheme()).append("://").append(url.hostname());
    if (!url.port().isEmpty()) {
      key.append(':').append(url.port());
    }
    return key.append(url.pathname()).toString();
  }

  /** The text a component matches when it is fixed text only (so it must be exactly that). */
  private String fixedText(String name) {
    Component component = components.get(name);
    if (component.ignoreCase()) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (Part part : component.parts()) {
      if (part.type() != Part.Type.FIXED_TEXT || part.modifier() != Part.Modifier.NONE) {
        return null;
      }
      text.append(part.value());
    }
    return text.toString();
  }

  /** Per component, the input and the groups of a match, or empty if the input does not match. */
  Optional<Map<String, ComponentResult>> exec(UrlPatternInit input) {
    UrlPatternInit processed;
    try {
      processed = process(input.scalarValues(), false, "");
    } catch (UrlPatternException invalid) {
      return Optional.empty();
    }
    return exec(processed::get);
  }

  Optional<Map<String, ComponentResult>> exec(String input, String baseUrl) {
    Optional<WhatwgUrl> url = WhatwgUrl.parse(input, baseUrl);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    WhatwgUrl u = url.get();
    return exec(
        name ->
            switch (name) {
              case "protocol" -> u.scheme();
              case "username" -> u.username();
              case "password" -> u.password();
              case "hostname" -> u.hostname();
              case "port" -> u.port();
              case "pathname" -> u.pathname();
              case "search" -> u.search();
              default -> u.hash();
            });
  }

  private Optional<Map<String, ComponentResult>> exec(UnaryOperator<String> values) {
    Map<String, ComponentResult> result = new LinkedHashMap<>();
    for (String name : COMPONENTS) {
      String value = values.apply(name);
      Map<String, String> groups = components.get(name).exec(value);
      if (groups == null) {
        return Optional.empty();
      }
      result.put(name, new ComponentResult(value, groups));
    }
    return Optional.of(result);
  }

  /** One component's input and its groups by name (null for a group that matched nothing). */
  record ComponentResult(String input, Map<String, String> groups) {}

  /**
   * "process a URLPatternInit": as a pattern, pieces inherited from the base URL are escaped; as a
   * URL, every given piece is canonicalized. {@code empty} is the starting value of each component
   * (null for a pattern, the empty string for a URL).
   */
  static UrlPatternInit process(UrlPatternInit init, boolean pattern, String empty) {
    UrlPatternInit result =
        new UrlPatternInit(empty, empty, empty, empty, empty, empty, empty, empty, null);
    WhatwgUrl base = null;
    if (init.baseUrl() != null) {
      base =
          WhatwgUrl.parse(init.baseUrl(), (WhatwgUrl) null)
              .orElseThrow(
                  () ->
                      new UrlPatternException(
                          "invalid base URL \""
                              + init.baseUrl()
                              + "\" (expected: an absolute URL)"));
      if (!init.has("protocol")) {
        result = result.with("protocol", baseString(base.scheme(), pattern));
      }
      if (!pattern && none(init, "protocol", "hostname", "port", "username")) {
        result = result.with("username", baseString(base.username(), pattern));
      }
      if (!pattern && none(init, "protocol", "hostname", "port", "username", "password")) {
        result = result.with("password", baseString(base.password(), pattern));
      }
      if (none(init, "protocol", "hostname")) {
        result = result.with("hostname", baseString(base.hostname(), pattern));
      }
      if (none(init, "protocol", "hostname", "port")) {
        result = result.with("port", base.port());
      }
      if (none(init, "protocol", "hostname", "port", "pathname")) {
        result = result.with("pathname", baseString(base.pathname(), pattern));
      }
      if (none(init, "protocol", "hostname", "port", "pathname", "search")) {
        result = result.with("search", baseString(base.search(), pattern));
      }
      if (none(init, "protocol", "hostname", "port", "pathname", "search", "hash")) {
        result = result.with("hash", baseString(base.hash(), pattern));
      }
    }
    if (init.has("protocol")) {
      String stripped =
          init.protocol().endsWith(":")
              ? init.protocol().substring(0, init.protocol().length() - 1)
              : init.protocol();
      result = result.with("protocol", pattern ? stripped : Canonicalize.protocol(stripped));
    }
    if (init.has("username")) {
      result =
          result.with(
              "username", pattern ? init.username() : Canonicalize.username(init.username()));
    }
    if (init.has("password")) {
      result =
          result.with(
              "password", pattern ? init.password() : Canonicalize.password(init.password()));
    }
    if (init.has("hostname")) {
      result =
          result.with(
              "hostname", pattern ? init.hostname() : Canonicalize.hostname(init.hostname()));
    }
    String protocol = result.protocol() == null ? "" : result.protocol();
    if (init.has("port")) {
      result =
          result.with("port", pattern ? init.port() : Canonicalize.port(init.port(), protocol));
    }
    if (init.has("pathname")) {
      String pathname = init.pathname();
      if (base != null && !base.hasOpaquePath() && !isAbsolutePathname(pathname, pattern)) {
        String basePath = baseString(base.pathname(), pattern);
        int slash = basePath.lastIndexOf('/');
        if (slash >= 0) {
          pathname = basePath.substring(0, slash + 1) + pathname;
        }
      }
      if (!pattern) {
        pathname =
            WhatwgUrl.SPECIAL_SCHEMES.contains(protocol) || protocol.isEmpty()
                ? Canonicalize.pathname(pathname)
                : Canonicalize.opaquePathname(pathname);
      }
      result = result.with("pathname", pathname);
    }
    if (init.has("search")) {
      String stripped = init.search().startsWith("?") ? init.search().substring(1) : init.search();
      result = result.with("search", pattern ? stripped : Canonicalize.search(stripped));
    }
    if (init.has("hash")) {
      String stripped = init.hash().startsWith("#") ? init.hash().substring(1) : init.hash();
      result = result.with("hash", pattern ? stripped : Canonicalize.hash(stripped));
    }
    return result;
  }

  private static boolean none(UrlPatternInit init, String... components) {
    for (String component : components) {
      if (init.has(component)) {
        return false;
      }
    }
    return true;
  }

  private static String baseString(String input, boolean pattern) {
    return pattern ? Component.escapePatternString(input) : input;
  }

  private static boolean isAbsolutePathname(String input, boolean pattern) {
    if (input.isEmpty()) {
      return false;
    }
    if (input.charAt(0) == '/') {
      return true;
    }
    if (!pattern || input.length() < 2) {
      return false;
    }
    return (input.charAt(0) == '\\' || input.charAt(0) == '{') && input.charAt(1) == '/';
  }

  private static boolean isIpv6Pattern(String input) {
    if (input.length() < 2) {
      return false;
    }
    return input.charAt(0) == '['
        || ((input.charAt(0) == '{' || input.charAt(0) == '\\') && input.charAt(1) == '[');
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("UrlPattern{");
    components.forEach(
        (name, c) -> out.append(name).append('=').append(c.patternString()).append(' '));
    return out.append('}').toString();
  }
}
