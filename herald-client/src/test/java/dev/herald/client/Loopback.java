package dev.herald.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

/** Loopback addresses and the one bound every test waits with. Stateless. */
final class Loopback {

  static final Duration WAIT = Duration.ofSeconds(20);

  /** Signs nothing a real hub checks: scripted hubs ignore tokens. */
  static final String ANY_TOKEN = "header.payload.signature";

  private Loopback() {}

  static URI hubUrl(InetSocketAddress address) {
    return URI.create("http://127.0.0.1:" + address.getPort() + "/.well-known/mercure");
  }

  /** A loopback address nothing listens on (it was free a moment ago). */
  static InetSocketAddress closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }
  }
}
