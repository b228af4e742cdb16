package dev.herald.core.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * The issuers whose draft-08 access tokens the hub accepts, each bound to its own keys: a token is
 * verified only with the keys of the issuer its {@code iss} names, never with a pool spanning
 * issuers, so one trusted issuer cannot mint tokens in another's name.
 *
 * <p>Thread-safety: immutable after construction; the key sources are thread-safe.
 */
public final class TrustedIssuers {

  private final Map<String, List<KeySource>> issuers;

  private TrustedIssuers(Map<String, List<KeySource>> issuers) {
    Map<String, List<KeySource>> copy = new LinkedHashMap<>();
    issuers.forEach((issuer, sources) -> copy.put(issuer, List.copyOf(sources)));
    this.issuers = java.util.Collections.unmodifiableMap(copy);
  }

  /** No issuer: every access token is rejected. */
  public static TrustedIssuers none() {
    return new TrustedIssuers(Map.of());
  }

  /**
   * Reads {@code ISSUER=KEYSOURCE} entries ({@code --issuer}); an issuer given twice keeps both key
   * sources (e.g. during a key rotation). See {@link KeySources} for the key sources.
   *
   * @throws IllegalArgumentException naming the entry and what is wrong with it
   */
  public static TrustedIssuers parse(List<String> entries, Executor refresher) {
    Map<String, List<KeySource>> issuers = new LinkedHashMap<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      String issuer = eq < 0 ? "" : entry.substring(0, eq);
      if (eq < 0 || issuer.isBlank() || !issuer.equals(issuer.strip())) {
        throw new IllegalArgumentException(
            "issuer: "
                + redact(entry)
                + " (expected:"
                + " ISSUER=KEYSOURCE, e.g. https://auth.example.com=https://auth.example.com/jwks.json)");
      }
      KeySource source;
      try {
        source = KeySources.parse(entry.substring(eq + 1), Algorithms.ACCESS_TOKENS, refresher);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("issuer " + issuer + ": " + e.getMessage(), e);
      }
      issuers.computeIfAbsent(issuer, i -> new ArrayList<>()).add(source);
    }
    return new TrustedIssuers(issuers);
  }

  /** One issuer with one key source, for code and tests. */
  public static TrustedIssuers of(String issuer, KeySource keys) {
    return new TrustedIssuers(Map.of(issuer, List.of(keys)));
  }

  /** A copy with one more issuer or key source (e.g. development mode's generated issuer). */
  public TrustedIssuers with(String issuer, KeySource keys) {
    Map<String, List<KeySource>> copy = new LinkedHashMap<>(issuers);
    List<KeySource> sources = new ArrayList<>(copy.getOrDefault(issuer, List.of()));
    sources.add(keys);
    copy.put(issuer, sources);
    return new TrustedIssuers(copy);
  }

  /** The issuer identifiers, in configuration order. */
  public List<String> issuers() {
    return List.copyOf(issuers.keySet());
  }

  public boolean isEmpty() {
    return issuers.isEmpty();
  }

  /** The key sources of {@code issuer} (exact, case-sensitive match), or null if not trusted. */
  List<KeySource> keysOf(String issuer) {
    return issuers.get(issuer);
  }

  /**
   * The issuers whose keys come from an {@code https://} JWK Set: authorization servers, as opposed
   * to self-issuing publishers configured with a secret or a key file.
   */
  public List<String> issuersWithKeySets() {
    return issuers.entrySet().stream()
        .filter(
            e ->
                e.getValue().stream()
                    .anyMatch(
                        source ->
                            source instanceof JwksKeySource jwks
                                && "https".equalsIgnoreCase(jwks.url().getScheme())))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Starts the first fetch of every JWK Set; each future completes once it ended. */
  public CompletableFuture<Void> start() {
    return CompletableFuture.allOf(
        issuers.values().stream()
            .flatMap(List::stream)
            .filter(JwksKeySource.class::isInstance)
            .map(source -> ((JwksKeySource) source).start())
            .filter(java.util.Objects::nonNull)
            .toArray(CompletableFuture[]::new));
  }

  /** For the start-up banner: each issuer and where its keys come from, no key material. */
  public String describe() {
    return issuers.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " ("
                    + e.getValue().stream()
                        .map(KeySource::describe)
                        .collect(Collectors.joining(", "))
                    + ")")
        .collect(Collectors.joining("; "));
  }

  /** An entry may hold a secret: show the issuer part only. */
  private static String redact(String entry) {
    int eq = entry.indexOf('=');
    return eq < 0 ? "an entry without '='" : "'" + entry.substring(0, eq) + "=…'";
  }
}
