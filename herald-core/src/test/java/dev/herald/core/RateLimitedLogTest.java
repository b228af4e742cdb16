package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/** At most one line per interval, with the count of the lines left out; on a manual clock. */
class RateLimitedLogTest {

  private final List<String> lines = new ArrayList<>();
  private final AtomicLong now = new AtomicLong(-5_000); // nanoTime may be negative

  /** A logger that keeps what is logged at WARN, formatted. */
  private Logger capturing() {
    return (Logger)
        Proxy.newProxyInstance(
            Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
              if (method.getName().equals("warn")
                  && args.length == 2
                  && args[1] instanceof Object[]) {
                lines.add(
                    MessageFormatter.arrayFormat((String) args[0], (Object[]) args[1])
                        .getMessage());
              } else if (method.getName().equals("warn")) {
                lines.add(
                    MessageFormatter.arrayFormat(
                            (String) args[0], Arrays.copyOfRange(args, 1, args.length))
                        .getMessage());
              }
              return method.getReturnType() == boolean.class ? true : null;
            });
  }

  @org.junit.jupiter.api.Test
  void aFloodLogsOneLinePerIntervalWithTheCountOfTheRest() {
    RateLimitedLog log = new RateLimitedLog(capturing(), Duration.ofSeconds(30), now::get);
    for (int i = 0; i < 1_000; i++) {
      log.warn("accept failed: {}", "EMFILE");
    }
    assertThat(lines).containsExactly("accept failed: EMFILE");

    now.addAndGet(Duration.ofSeconds(30).toNanos() - 1);
    log.warn("accept failed: {}", "EMFILE");
    assertThat(lines).hasSize(1);

    now.addAndGet(1);
    log.warn("accept failed: {}", "ENFILE");
    assertThat(lines)
        .containsExactly(
            "accept failed: EMFILE",
            "accept failed: ENFILE (1000 more like it since the last such line)");
    assertThat(log.occurrences()).isEqualTo(1_002);
  }
}
