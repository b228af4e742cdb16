package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {

  private final Converters.SizeConverter size = new Converters.SizeConverter();
  private final Converters.DurationConverter duration = new Converters.DurationConverter();
  private final Converters.ListenConverter listen = new Converters.ListenConverter();

  @Test
  void sizesWithKnownSuffixes() {
    assertThat(size.convert("1048576")).isEqualTo(1_048_576);
    assertThat(size.convert("512KiB")).isEqualTo(512 * 1024);
    assertThat(size.convert("2k")).isEqualTo(2048);
    assertThat(size.convert("1MiB")).isEqualTo(1024 * 1024);
    assertThat(size.convert("3mb")).isEqualTo(3 * 1024 * 1024);
    assertThat(size.convert("1GiB")).isEqualTo(1 << 30);
    assertThat(size.convert("256KiB")).isEqualTo(256 * 1024);
  }

  @Test
  void sizeWithAnUnknownSuffixIsRejectedNotTruncated() {
    for (String value :
        new String[] {"3GiB", "2GiB", "1x", "10bytes", "5 apples", "2048MiB", "0", "-1k"}) {
      assertThatThrownBy(() -> size.convert(value))
          .as(value)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageStartingWith("'" + value + "' (expected: a size from 1 byte to under 2GiB");
    }
  }

  @Test
  void durations() {
    assertThat(duration.convert("40s")).isEqualTo(Duration.ofSeconds(40));
    assertThat(duration.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(duration.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(duration.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(duration.convert("0")).isEqualTo(Duration.ZERO);
    assertThat(duration.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> duration.convert("40")).hasMessageContaining("'40'");
    assertThatThrownBy(() -> duration.convert("-1s"))
        .hasMessage("'-1s' (expected: a duration >= 0)");
  }

  @Test
  void listenAddresses() {
    assertThat(listen.convert("127.0.0.1:3000"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", 3000));
    assertThat(listen.convert(":3000")).isEqualTo(new InetSocketAddress(3000));
    assertThat(listen.convert("[::1]:3000").getAddress().getHostAddress())
        .isEqualTo("0:0:0:0:0:0:0:1");
    assertThatThrownBy(() -> listen.convert("3000")).hasMessageContaining("expected: HOST:PORT");
  }
}
