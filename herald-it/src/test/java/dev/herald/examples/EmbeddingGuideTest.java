package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/embedding.md shows {@link EmbeddedHub} verbatim, and the example works. */
class EmbeddingGuideTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path SOURCE = Path.of("src/test/java/dev/herald/examples/EmbeddedHub.java");

  @Test
  void theGuideQuotesTheExampleVerbatim() throws Exception {
    String guide = Files.readString(ROOT.resolve("docs/embedding.md"));
    String source = Files.readString(SOURCE);
    String start = "<!-- EmbeddedHub.java -->\n```java\n";
    int from = guide.indexOf(start);
    assertThat(from).as("docs/embedding.md has the marker %s", start.strip()).isNotNegative();
    int to = guide.indexOf("```\n", from + start.length());
    assertThat(guide.substring(from + start.length(), to))
        .as(
            "the example in docs/embedding.md differs from %s: copy the file into the guide",
            SOURCE)
        .isEqualTo(source);
  }

  @Test
  void theExamplePublishesAndItsSubscriberReceivesTheUpdate() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      EmbeddedHub.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    // Only the example's own lines: a logging library may also print to standard output.
    List<String> lines =
        captured
            .toString(StandardCharsets.UTF_8)
            .lines()
            .filter(line -> line.startsWith("published ") || line.startsWith("received "))
            .toList();
    assertThat(lines).hasSize(2);
    String id = lines.get(0).substring("published ".length());
    assertThat(id).startsWith("urn:uuid:");
    assertThat(lines).containsExactly("published " + id, "received " + id + ": {\"stock\":3}");
  }
}
