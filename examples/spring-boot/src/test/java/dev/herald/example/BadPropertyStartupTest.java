package dev.herald.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The application started as {@code main} would, with a wrong Herald property: start-up stops and
 * Boot's failure report carries the starter's one line naming it. Runs on the JUnit thread.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadPropertyStartupTest {

  @Test
  void aWrongPropertyStopsStartUpWithOneLineNamingIt(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(BooksApplication.class)
                    .properties(
                        "server.port=0",
                        "herald.embedded.listen=127.0.0.1:0",
                        "herald.embedded.heartbeat=-1s")
                    .run())
        .hasStackTraceContaining("herald.embedded.heartbeat: PT-1S (expected: >= 0)");
    assertThat(output.toString())
        .contains("APPLICATION FAILED TO START")
        .contains(
            "Description:"
                + System.lineSeparator()
                + System.lineSeparator()
                + "herald.embedded.heartbeat: PT-1S (expected: >= 0)");
  }
}
