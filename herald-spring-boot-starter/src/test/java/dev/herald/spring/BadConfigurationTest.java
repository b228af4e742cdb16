package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Wrong properties fail start-up with one line that names the property. Runs on the JUnit thread.
 */
class BadConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class));

  private String startupFailure(String... properties) {
    String[] message = new String[1];
    runner
        .withPropertyValues(properties)
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable failure = context.getStartupFailure();
              while (!(failure instanceof HeraldConfigurationException)
                  && failure.getCause() != null) {
                failure = failure.getCause();
              }
              assertThat(failure).isInstanceOf(HeraldConfigurationException.class);
              FailureAnalysis analysis =
                  new HeraldFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis.getDescription()).isEqualTo(failure.getMessage());
              message[0] = failure.getMessage();
            });
    assertThat(message[0].lines()).hasSize(1);
    return message[0];
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "herald.embedded.heartbeat=-1s|herald.embedded.heartbeat: PT-1S (expected: >= 0)",
        "herald.embedded.listen=localhost|herald.embedded.listen: localhost (expected: HOST:PORT, :PORT or [IPv6]:PORT, port 0 to 65535)",
        "herald.embedded.transport=kqueue|herald.embedded.transport: kqueue (expected one of: [auto, io_uring, epoll, nio])",
        "herald.embedded.history=disk|herald.embedded.history: disk (expected: memory or durable)",
        "herald.embedded.fsync=sometimes|herald.embedded.fsync: sometimes (expected: always, batch or never)",
        "herald.embedded.jwt-key=short|herald.embedded.jwt-key: ",
        "herald.embedded.event-loops=-1|herald.embedded.event-loops: -1 (expected: 0 for one per processor, or 1..1024)",
        "herald.embedded.max-concurrent-streams=0|herald.embedded.max-concurrent-streams: 0 (expected: >= 1)",
        "herald.embedded.outbox=mysql://u@h/db|herald.embedded.outbox: mysql://u@h/db: wrong scheme (expected: postgresql://USER[:PASSWORD]@HOST[:PORT]/DB)",
        "herald.outbox-table=Bad-Name|herald.outbox-table: Bad-Name (expected: name or schema.name, lower-case letters, digits and _)",
        "herald.embedded.history-max-age=1h|herald.embedded.history-max-age, herald.embedded.history-max-bytes: set with history memory",
      })
  void aWrongEmbeddedPropertyIsNamed(String property, String expected) {
    assertThat(
            startupFailure(
                "herald.embedded.enabled=true", "herald.embedded.listen=127.0.0.1:0", property))
        .startsWith(expected);
  }

  @Test
  void onlyOneOfTlsCertAndKeyIsNamed() {
    assertThat(startupFailure("herald.embedded.enabled=true", "herald.embedded.tls-cert=/x.pem"))
        .startsWith("herald.embedded.tls-cert, herald.embedded.tls-key: only one given");
  }

  @Test
  void aPortInUseNamesListen() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      assertThat(
              startupFailure(
                  "herald.embedded.enabled=true",
                  "herald.embedded.listen=127.0.0.1:" + taken.getLocalPort()))
          .startsWith(
              "herald.embedded.listen: cannot listen on [/127.0.0.1:" + taken.getLocalPort() + "]");
    }
  }

  @Test
  void aRemoteHubWithoutATokenIsNamed() {
    assertThat(startupFailure("herald.hub-url=http://127.0.0.1:1/.well-known/mercure"))
        .startsWith(
            "herald.publisher-token: missing (expected: a publisher JWT, or herald.publisher-key");
  }

  @Test
  void aRemoteHubAndAnEmbeddedOneAreNotBoth() {
    assertThat(
            startupFailure(
                "herald.hub-url=http://127.0.0.1:1/.well-known/mercure",
                "herald.publisher-token=x",
                "herald.embedded.enabled=true",
                "herald.embedded.listen=127.0.0.1:0"))
        .startsWith(
            "herald.hub-url: http://127.0.0.1:1/.well-known/mercure with herald.embedded.enabled=true");
  }
}
