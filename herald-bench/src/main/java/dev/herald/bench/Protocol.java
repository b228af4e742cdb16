package dev.herald.bench;

import java.util.Locale;

/**
 * How subscribers talk to the hub. Publishing is HTTP/1.1 in every mode.
 *
 * <p>Immutable; safe from any thread.
 */
enum Protocol {
  /** One TCP connection per subscriber, HTTP/1.1. */
  H1("h1"),
  /** Subscribers as HTTP/2 streams over cleartext connections, with prior knowledge. */
  H2C("h2c"),
  /** Subscribers as HTTP/2 streams over TLS connections that negotiated {@code h2} by ALPN. */
  H2("h2");

  private final String wireName;

  Protocol(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the command line and in the report. */
  String wireName() {
    return wireName;
  }

  boolean http2() {
    return this != H1;
  }

  static Protocol parse(String value) {
    for (Protocol protocol : values()) {
      if (protocol.wireName.equals(value.toLowerCase(Locale.ROOT))) {
        return protocol;
      }
    }
    throw new IllegalArgumentException("--protocol: " + value + " (expected: h1, h2c or h2)");
  }
}
