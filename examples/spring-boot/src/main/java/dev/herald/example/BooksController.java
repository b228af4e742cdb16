package dev.herald.example;

import dev.herald.client.Publication;
import dev.herald.spring.EmbeddedHerald;
import dev.herald.spring.HeraldTemplate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Books kept in memory; renaming one publishes the new title to the book's topic, which the page
 * ({@code static/index.html}) subscribes to. Runs on the web server's request threads.
 */
@RestController
class BooksController {

  static final String TOPIC = "https://example.com/books/";

  private final Map<Long, String> titles = new ConcurrentHashMap<>(Map.of(1L, "Dune"));
  private final HeraldTemplate herald;
  private final EmbeddedHerald hub;

  BooksController(HeraldTemplate herald, EmbeddedHerald hub) {
    this.herald = herald;
    this.hub = hub;
  }

  /**
   * The book, with the hub's position as its discovery {@code Link}: read before the book, so the
   * page, subscribing from it, misses no rename made after it loaded.
   */
  @GetMapping("/books/{id}")
  ResponseEntity<Map<String, Object>> book(@PathVariable long id) {
    String link = herald.discoveryLink();
    String title = titles.get(id);
    return title == null
        ? ResponseEntity.notFound().build()
        : ResponseEntity.ok().header(HttpHeaders.LINK, link).body(Map.of("id", id, "title", title));
  }

  /**
   * Renames a book; in a real service this runs in a transaction, and the update follows its
   * commit.
   */
  @PutMapping("/books/{id}/title")
  ResponseEntity<Map<String, Object>> rename(@PathVariable long id, @RequestBody String title) {
    if (title.isBlank() || title.length() > 200) {
      return ResponseEntity.badRequest().body(Map.of("error", "title: 1 to 200 characters"));
    }
    titles.put(id, title);
    herald.publishAfterCommit(
        Publication.to(TOPIC + id)
            .data("{\"id\":" + id + ",\"title\":" + json(title) + "}")
            .type("book")
            .build());
    return ResponseEntity.ok(Map.of("id", id, "title", title));
  }

  /** Where the page subscribes: the embedded hub listens on a port of its own. */
  @GetMapping("/hub")
  Map<String, String> hub() {
    return Map.of("url", "http://localhost:" + hub.port() + "/.well-known/mercure");
  }

  /** A JSON string literal. */
  static String json(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
