package dev.herald.example;

import dev.herald.client.Publication;
import dev.herald.spring.EmbeddedHerald;
import dev.herald.spring.HeraldTemplate;
import java.security.Principal;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Private notifications per user: posting one publishes it privately to the user's topic, which
 * only that user's page ({@code static/notifications.html}) receives. Runs on the web server's
 * request threads.
 */
@RestController
class NotificationsController {

  private final HeraldTemplate herald;
  private final EmbeddedHerald hub;

  NotificationsController(HeraldTemplate herald, EmbeddedHerald hub) {
    this.herald = herald;
    this.hub = hub;
  }

  static String topicOf(String user) {
    return "https://example.com/users/" + user + "/notifications";
  }

  /** The logged-in user and where their page subscribes. */
  @GetMapping("/me")
  Map<String, String> me(Principal user) {
    return Map.of(
        "user",
        user.getName(),
        "topic",
        topicOf(user.getName()),
        "hub",
        "http://localhost:" + hub.port() + "/.well-known/mercure");
  }

  @PostMapping("/users/{user}/notifications")
  ResponseEntity<Map<String, String>> notify(@PathVariable String user, @RequestBody String text) {
    if (!user.matches("[a-z0-9-]{1,64}") || text.isBlank() || text.length() > 500) {
      return ResponseEntity.badRequest()
          .body(Map.of("error", "user: [a-z0-9-]{1,64}, text: 1 to 500 characters"));
    }
    String id = herald.publish(Publication.to(topicOf(user)).data(text).privately().build());
    return ResponseEntity.ok(Map.of("id", id));
  }
}
