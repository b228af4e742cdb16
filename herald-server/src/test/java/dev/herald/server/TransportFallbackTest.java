package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --transport auto} where a container's seccomp profile blocks io_uring (or epoll): the
 * choice falls back one step at a time, and a named transport that is missing fails with why.
 */
class TransportFallbackTest extends ServerTestBase {

  private static Transport.Natives natives(String ioUring, String epoll) {
    return new Transport.Natives() {
      @Override
      public String ioUringUnavailable() {
        return ioUring;
      }

      @Override
      public String epollUnavailable() {
        return epoll;
      }
    };
  }

  @Test
  void autoTakesIoUringWhenTheKernelAllowsIt() {
    assertThat(Transport.choose("auto", natives(null, null)).name()).isEqualTo("io_uring");
  }

  @Test
  void autoFallsBackToEpollWhenIoUringIsBlocked() {
    assertThat(Transport.choose("auto", natives("EPERM: io_uring_setup", null)).name())
        .isEqualTo("epoll");
  }

  @Test
  void autoFallsBackToNioWhenNeitherNativeTransportWorks() {
    assertThat(Transport.choose("auto", natives("blocked", "no epoll")).name()).isEqualTo("nio");
  }

  @Test
  void aNamedTransportThatIsMissingFailsWithTheReason() {
    assertThatThrownBy(() -> Transport.choose("io_uring", natives("EPERM: io_uring_setup", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("transport: io_uring is not available here (EPERM: io_uring_setup)");
  }

  @Test
  void anUnknownTransportNamesTheChoices() {
    assertThatThrownBy(() -> Transport.choose("kqueue", natives(null, null)))
        .hasMessage("transport: kqueue (expected one of: [auto, io_uring, epoll, nio])");
  }

  @Test
  void aHubWithIoUringTakenAwayServesOverEpoll() throws Exception {
    System.setProperty(Transport.UNAVAILABLE_PROPERTY, "io_uring");
    try {
      restart(config().transport("auto").build());
    } finally {
      System.clearProperty(Transport.UNAVAILABLE_PROPERTY);
    }
    assertThat(server.transportName()).isEqualTo("epoll");
    try (SseClient sub = SseClient.open(http, subscribeUri("t"), Map.of())) {
      publishOk("topic=t&data=over-fallback");
      assertThat(sub.next().data()).isEqualTo("over-fallback");
    }
  }

  @Test
  void aHubWithBothNativeTransportsTakenAwayServesOverNio() throws Exception {
    System.setProperty(Transport.UNAVAILABLE_PROPERTY, "io_uring, epoll");
    try {
      restart(config().transport("auto").build());
    } finally {
      System.clearProperty(Transport.UNAVAILABLE_PROPERTY);
    }
    assertThat(server.transportName()).isEqualTo("nio");
    try (SseClient sub = SseClient.open(http, subscribeUri("t"), Map.of())) {
      publishOk("topic=t&data=over-nio");
      assertThat(sub.next().data()).isEqualTo("over-nio");
    }
  }
}
