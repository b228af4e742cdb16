package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that cannot bind its address leaves nothing running: no event loop, no JWK Set refresher,
 * no dispatcher. A Spring context that retries would otherwise leak a set of threads per attempt.
 * Real sockets; runs on the JUnit thread.
 */
class FailedStartTest {

  @TempDir Path dir;

  @Test
  void aFailedBindLeavesNoThreadBehind() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ServerConfig config =
          ServerConfig.builder()
              .listen(
                  List.of(
                      new InetSocketAddress(
                          InetAddress.getLoopbackAddress(), taken.getLocalPort())))
              .hub(HubConfig.DEFAULTS)
              .publisherKey(null)
              .subscriberKey(null)
              // A JWK Set starts the herald-jwks refresher as the routes are built, before binding.
              .protocols(
                  ProtocolConfig.DEFAULTS.withJwtJwks(dir.resolve("jwks.json").toUri().toString()))
              .build();
      Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
      Hub hub = new Hub(config.hub());

      assertThatThrownBy(() -> HeraldServer.builder(config).hub(hub).start())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Address already in use");
      // Netty's process-wide executor (closing a channel uses it) is no thread of the server's:
      // it stops by itself once idle for a second, which this waits for.
      assertThat(GlobalEventExecutor.INSTANCE.awaitInactivity(10, TimeUnit.SECONDS)).isTrue();

      Set<String> left =
          Thread.getAllStackTraces().keySet().stream()
              .filter(thread -> !before.contains(thread) && thread.isAlive())
              .filter(thread -> !thread.isDaemon() || thread.getName().startsWith("herald-"))
              .map(Thread::getName)
              .collect(Collectors.toSet());
      assertThat(left).isEmpty();
    }
  }
}
