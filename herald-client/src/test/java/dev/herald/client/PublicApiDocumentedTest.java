package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public type and member of the client has a Javadoc comment: the client is all public API.
 * (The Javadoc build checks the comments' syntax and links; javadoc's own "missing" check would
 * also demand a tag per parameter, which says nothing a good sentence does not.)
 */
class PublicApiDocumentedTest {

  private static final Path SOURCES = Path.of("src/main/java/dev/herald/client");

  @Test
  void everyPublicDeclarationHasAComment() throws IOException {
    List<String> undocumented = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          boolean declaration =
              line.startsWith("public ")
                  || (line.startsWith("default ")
                      && !line.contains("->")); // not a switch's default
          if (!declaration) {
            continue;
          }
          checked++;
          int previous = i - 1;
          boolean override = false;
          while (previous >= 0 && lines.get(previous).strip().startsWith("@")) {
            override |= lines.get(previous).strip().equals("@Override");
            previous--; // annotations sit between the comment and the declaration
          }
          if (override) {
            continue; // documented where it is declared
          }
          if (previous < 0 || !lines.get(previous).strip().endsWith("*/")) {
            undocumented.add(file.getFileName() + ":" + (i + 1) + ": " + line);
          }
        }
      }
    }
    assertThat(checked).as("public declarations found").isGreaterThan(50);
    assertThat(undocumented).isEmpty();
  }
}
