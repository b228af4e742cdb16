package dev.herald.client;

import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** A real Herald hub on a random loopback port, and the keys and tokens tests use with it. */
final class TestHub {

  static final Duration WAIT = Loopback.WAIT;
  static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  static final HmacTokenMinter MINTER = HmacTokenMinter.hs256(SECRET);
  static final String PUBLISHER = MINTER.publisher(List.of("*"), null);
  static final String SUBSCRIBER = MINTER.subscriber(List.of("*"), null);

  private TestHub() {}

  static ServerConfig.Builder config() {
    JwtKey key = JwtKey.parse("HS256", SECRET);
    return ServerConfig.builder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
        .hub(HubConfig.DEFAULTS.withHistorySize(100))
        .publisherKey(key)
        .subscriberKey(key)
        .demo(false);
  }

  static HeraldServer start() throws InterruptedException {
    return HeraldServer.start(config().build());
  }

  static URI url(HeraldServer server) {
    return url(server.boundAddresses().get(0));
  }

  static URI url(InetSocketAddress address) {
    return Loopback.hubUrl(address);
  }
}
