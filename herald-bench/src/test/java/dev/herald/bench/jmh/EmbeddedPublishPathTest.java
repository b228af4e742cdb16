package dev.herald.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The publish benchmark's harness publishes for real: every request is answered 200 with an id. */
class EmbeddedPublishPathTest {

  @Test
  void everyPublishIsAnsweredWithItsEventId() {
    for (String shape : new String[] {"lg", "json1k"}) {
      try (EmbeddedPublishPath path = new EmbeddedPublishPath(shape, 3, null)) {
        for (int i = 0; i < 5; i++) {
          String answer = text(path.publish());
          assertThat(answer).as(shape).startsWith("HTTP/1.1 200 OK\r\n");
          assertThat(answer).as(shape).containsPattern("\r\n\r\nurn:uuid:[0-9a-f-]{36}$");
          assertThat(answer).doesNotContainIgnoringCase("access-control-allow-origin");
        }
      }
    }
  }

  @Test
  void aPublishFromAnAllowedOriginIsAnsweredWithCorsHeaders() {
    try (EmbeddedPublishPath path = new EmbeddedPublishPath("lg", 3, "https://app.example.com")) {
      String answer = text(path.publish());
      assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n");
      assertThat(answer)
          .containsIgnoringCase("access-control-allow-origin: https://app.example.com");
    }
  }

  private static String text(ByteBuf answer) {
    try {
      return answer.toString(StandardCharsets.UTF_8);
    } finally {
      answer.release();
    }
  }
}
