package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaultsAreBoundedAndLocal() {
    Options options = Options.parse("--jwt-key", "k");
    assertThat(options.host().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(options.durationSeconds()).isEqualTo(10);
    assertThat(options.subscriberAuth()).isTrue();
    assertThat(options.hardCapSeconds()).isLessThanOrEqualTo(60);
  }

  @Test
  void refusesTargetsOutsideLoopback() {
    for (String host : new String[] {"10.0.0.1", "192.168.1.10", "8.8.8.8", "::2"}) {
      assertThatThrownBy(() -> Options.parse("--idle", "--host", host))
          .as(host)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected: loopback only");
    }
  }

  @Test
  void acceptsTheWholeLoopbackRange() {
    assertThat(Options.parse("--idle", "--host", "127.3.2.1").host().isLoopbackAddress()).isTrue();
    assertThat(Options.parse("--idle", "--host", "::1").host().isLoopbackAddress()).isTrue();
  }

  @Test
  void durationIsCapped() {
    assertThatThrownBy(() -> Options.parse("--idle", "--duration", "121"))
        .hasMessage("--duration: 121 (expected: 0..120)");
  }

  @Test
  void subscribersSpeakHttp1ByDefault() {
    Options options = Options.parse("--idle", "--port", "18400");
    assertThat(options.protocol()).isEqualTo(Protocol.H1);
    assertThat(options.connections()).isZero();
    assertThat(options.subscriberPort()).isEqualTo(18400);
  }

  @Test
  void http2SpreadsStreamsOverOneConnectionPerHundredByDefault() {
    assertThat(Options.parse("--idle", "--protocol", "h2c", "--subs", "10000").connections())
        .isEqualTo(100);
    assertThat(Options.parse("--idle", "--protocol", "h2c", "--subs", "50").connections())
        .isEqualTo(1);
    assertThat(Options.parse("--idle", "--protocol", "h2c", "--connections", "7").connections())
        .isEqualTo(7);
  }

  @Test
  void h2SubscribesOnTheTlsPortAndPublishesOnThePlainOne() {
    Options options =
        Options.parse("--idle", "--protocol", "h2", "--port", "18400", "--tls-port", "18443");
    assertThat(options.protocol()).isEqualTo(Protocol.H2);
    assertThat(options.subscriberPort()).isEqualTo(18443);
    assertThat(options.port()).isEqualTo(18400);
  }

  @Test
  void h2NeedsTheTlsPort() {
    assertThatThrownBy(() -> Options.parse("--idle", "--protocol", "h2"))
        .hasMessage(
            "--tls-port: missing (expected: the hub's --tls-listen port, for --protocol h2)");
  }

  @Test
  void tlsPortOnlyWithH2() {
    assertThatThrownBy(() -> Options.parse("--idle", "--protocol", "h2c", "--tls-port", "18443"))
        .hasMessage("--tls-port: 18443 with --protocol h2c (expected: only with --protocol h2)");
  }

  @Test
  void connectionsOnlyWithHttp2() {
    assertThatThrownBy(() -> Options.parse("--idle", "--connections", "4"))
        .hasMessageStartingWith("--connections: 4 with --protocol h1 (expected: only with");
  }

  @Test
  void unknownProtocolNamesTheChoices() {
    assertThatThrownBy(() -> Options.parse("--idle", "--protocol", "h3"))
        .hasMessage("--protocol: h3 (expected: h1, h2c or h2)");
  }

  @Test
  void h2WindowIsAtLeastTheProtocolDefault() {
    assertThatThrownBy(() -> Options.parse("--idle", "--protocol", "h2c", "--h2-window", "1000"))
        .hasMessage("--h2-window: 1000 (expected: 65535..2147483647)");
    assertThat(Options.parse("--idle", "--protocol", "h2c").h2Window()).isEqualTo(1 << 20);
  }

  @Test
  void helpSaysThatH2TrustsAnyCertificate() {
    assertThat(Options.USAGE)
        .contains("--protocol h1|h2c|h2", "TRUSTS ANY CERTIFICATE", "InsecureTrustManagerFactory");
  }

  @Test
  void publishingNeedsAKey() {
    assertThatThrownBy(() -> Options.parse("--subs", "10"))
        .hasMessageContaining("--jwt-key: missing");
  }

  @Test
  void spreadsSourceAddressesEveryTwentyThousandSubscribers() throws Exception {
    Options options = Options.parse("--idle");
    LoadGenerator generator = new LoadGenerator(options);
    try {
      assertThat(generator.sourceAddress(0).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(generator.sourceAddress(19_999).getAddress().getHostAddress())
          .isEqualTo("127.0.0.1");
      assertThat(generator.sourceAddress(20_000).getAddress().getHostAddress())
          .isEqualTo("127.0.0.2");
    } finally {
      generator.close();
    }
  }

  @Test
  void groupsThreadCpuByNameWithoutTheNumber() {
    java.util.Map<String, Object[]> before =
        java.util.Map.of(
            "1", new Object[] {"C2 CompilerThre", 1.0}, "2", new Object[] {"herald-dispatch", 2.0});
    java.util.Map<String, Object[]> after =
        java.util.Map.of(
            "1",
            new Object[] {"C2 CompilerThre", 1.5},
            "2",
            new Object[] {"herald-dispatch", 5.0},
            "3",
            new Object[] {"GC Thread#0", 0.25},
            "4",
            new Object[] {"GC Thread#1", 0.25});
    assertThat(ProcessStats.threadGroupDelta(before, after))
        .containsExactly(
            java.util.Map.entry("herald-dispatch", 3.0),
            java.util.Map.entry("C2 CompilerThre", 0.5),
            java.util.Map.entry("GC Thread", 0.5));
  }

  @Test
  void readsProcStatAndHeapInfo() {
    String stat = "1234 (java (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 30 0";
    assertThat(ProcessStats.cpuSecondsOf(stat)).isEqualTo(3.8);
    assertThat(ProcessStats.cpuTimesOf(stat)).containsExactly(2.5, 1.3);
    String serial =
        """
         def new generation   total 78656K, used 12000K [0x...)
          eden space 69952K,  17% used [0x...)
         tenured generation   total 174784K, used 3000K [0x...)
         Metaspace       used 9000K, committed 9300K, reserved 1114112K
          class space    used 900K, committed 1000K, reserved 1048576K
        """;
    assertThat(ProcessStats.heapUsedKb(serial)).isEqualTo(15_000);
    String g1 =
        """
         garbage-first heap   total 253952K, used 5832K [0x...)
          region size 1024K, 6 young (6144K), 0 survivors (0K)
         Metaspace       used 9000K, committed 9300K, reserved 1114112K
        """;
    assertThat(ProcessStats.heapUsedKb(g1)).isEqualTo(5_832);
  }
}
