package dev.herald.server.http;

import dev.herald.server.ServerConfig;
import java.util.List;

/**
 * The dialects a hub speaks, built once from its configuration, and the choice of one per
 * request, made before any handler runs. Today every request speaks draft-07; another version
 * is one more entry in {@link #all} (built here, so it can take its settings from the
 * configuration) and one line in {@link #choose}.
 *
 * <p>Immutable; safe from any thread.
 */
final class ProtocolDialects {

  private final List<ProtocolDialect> all;

  ProtocolDialects(ServerConfig config) {
    this.all = List.of(Draft07.INSTANCE);
  }

  /** Every dialect; the authorizer keeps one token verifier per dialect and role. */
  List<ProtocolDialect> all() {
    return all;
  }

  /** The dialect of one request; may look at its path, headers and query. */
  ProtocolDialect choose(Exchange exchange) {
    return Draft07.INSTANCE;
  }
}
