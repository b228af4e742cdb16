package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.server.HeraldServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The curl commands a bare {@code herald} prints work when pasted into a shell. */
class DevelopmentBannerTest {

  @Test
  void pastedCurlCommandsDeliverAnUpdate() throws Exception {
    assumeTrue(commandExists("curl") && commandExists("sh"), "needs curl and sh");
    try (Cli cli = new Cli(Map.of("HERALD_LISTEN", "127.0.0.1:0"))) {
      HeraldServer server = cli.start().awaitServer();
      String banner = cli.out();
      Matcher subscribe = Pattern.compile("\n +(curl -N .*) &\n").matcher(banner);
      Matcher publish =
          Pattern.compile("\n +(curl -d .*\\\\\n.*/\\.well-known/mercure)\n").matcher(banner);
      assertThat(subscribe.find()).as(banner).isTrue();
      assertThat(publish.find()).as(banner).isTrue();

      // exec: destroying the process then stops curl itself, not just the shell.
      Process subscriber =
          new ProcessBuilder("sh", "-c", "exec " + subscribe.group(1))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        StringBuffer events = new StringBuffer();
        Thread reader = new Thread(() -> copy(subscriber.getInputStream(), events), "curl-reader");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Cli.WAIT).until(() -> server.hub().subscriberCount() == 1);

        Process publisher =
            new ProcessBuilder("sh", "-c", publish.group(1))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(publisher.waitFor(Cli.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String id = new String(publisher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(publisher.exitValue()).isZero();
        assertThat(id).startsWith("urn:uuid:");

        await().atMost(Cli.WAIT).until(() -> events.toString().contains("data: hello"));
        assertThat(events.toString()).contains("id: " + id + "\ndata: hello\n");
      } finally {
        subscriber.destroy();
        assertThat(subscriber.waitFor(Cli.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  private static void copy(InputStream in, StringBuffer into) {
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException closed) {
      // the process was stopped
    }
  }

  private static boolean commandExists(String name) throws Exception {
    Process which =
        new ProcessBuilder(List.of("sh", "-c", "command -v " + name))
            .redirectErrorStream(true)
            .start();
    which.getInputStream().readAllBytes();
    return which.waitFor(Cli.WAIT.toSeconds(), TimeUnit.SECONDS) && which.exitValue() == 0;
  }
}
