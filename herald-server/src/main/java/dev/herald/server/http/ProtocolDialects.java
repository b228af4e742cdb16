package dev.herald.server.http;

import java.util.List;

/**
 * Chooses the protocol dialect of each request, once, before any handler runs. Today every
 * request speaks draft-07; a second dialect adds itself to {@link #ALL} and one line in {@link
 * #choose}. Stateless; safe from any thread.
 */
final class ProtocolDialects {

  /** Every dialect the hub speaks; the authorizer keeps one token verifier per dialect and role. */
  static final List<ProtocolDialect> ALL = List.of(Draft07.INSTANCE);

  private ProtocolDialects() {}

  /** The dialect of one request; may look at its path, headers and query. */
  static ProtocolDialect choose(Exchange exchange) {
    return Draft07.INSTANCE;
  }
}
