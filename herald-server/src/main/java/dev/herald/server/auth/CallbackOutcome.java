package dev.herald.server.auth;

import java.util.Locale;

/** What became of one question to the authorization callback; each is counted in /metrics. */
enum CallbackOutcome {
  /** The application answered 200 with grants. */
  GRANTED,
  /** The application answered 401 or 403. */
  DENIED,
  /** A grant still alive for the same identity and question answered it: no call. */
  CACHED,
  /** The same question was already on its way: answered by that one call. */
  JOINED,
  /** The application did not answer within the timeout: 503. */
  TIMEOUT,
  /** The call failed (connection, another status, an unreadable answer): 503. */
  FAILED,
  /** Too many calls in flight already: 503 at once. */
  BUSY,
  /** The circuit is open after repeated failures: 503 at once. */
  CIRCUIT_OPEN;

  /** The label in metrics, e.g. {@code circuit_open}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
