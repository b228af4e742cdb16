package dev.herald.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spring.EmbeddedHerald;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The notifications page's path with two real logins (Spring Security's form, CSRF token and all):
 * each user's session cookie, sent to the embedded hub with no JWT, receives that user's private
 * notifications and no one else's. Runs on the JUnit thread; each stream reads on its own.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "herald.embedded.listen=127.0.0.1:0")
class NotificationsTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

  @LocalServerPort int port;
  @Autowired EmbeddedHerald hub;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private URI app(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static String cookie(HttpResponse<?> response) {
    String setCookie = response.headers().firstValue("set-cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** Logs in through the login form as a browser does; the session cookie after login. */
  private String login(String user, String password) throws Exception {
    HttpResponse<String> form =
        http.send(
            HttpRequest.newBuilder(app("/login")).build(), HttpResponse.BodyHandlers.ofString());
    Matcher csrf = CSRF.matcher(form.body());
    assertThat(csrf.find()).as("the login form's CSRF token").isTrue();
    String body =
        "username="
            + user
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8)
            + "&_csrf="
            + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
    HttpResponse<String> loggedIn =
        http.send(
            HttpRequest.newBuilder(app("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie(form))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(loggedIn.statusCode()).isEqualTo(302);
    assertThat(loggedIn.headers().firstValue("location").orElse(""))
        .endsWith("/notifications.html");
    return cookie(loggedIn); // a new session id: the login changed it
  }

  /** The page's stream: its session cookie, the template of every user's notifications. */
  private BlockingQueue<String> subscribe(String session) throws Exception {
    URI stream =
        URI.create(
            "http://127.0.0.1:"
                + hub.port()
                + "/.well-known/mercure?topic="
                + URLEncoder.encode(
                    "https://example.com/users/{id}/notifications", StandardCharsets.UTF_8));
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(stream)
                .header("Accept", "text/event-stream")
                .header("Cookie", session)
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    BlockingQueue<String> data = new LinkedBlockingQueue<>(1_000);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.startsWith("data:")) {
                    data.offer(line);
                  }
                }
              } catch (Exception e) {
                // the test ends the stream with the application
              }
            },
            "notifications-page");
    reader.setDaemon(true);
    reader.start();
    return data;
  }

  private void notify(String user, String text) throws Exception {
    HttpResponse<String> sent =
        http.send(
            HttpRequest.newBuilder(app("/users/" + user + "/notifications"))
                .POST(HttpRequest.BodyPublishers.ofString(text))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
  }

  private static String next(BlockingQueue<String> data) throws InterruptedException {
    String line = data.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(line).as("a notification within " + WAIT).isNotNull();
    return line;
  }

  @Test
  void eachLoggedInUserReceivesTheirOwnNotificationsOnly() throws Exception {
    BlockingQueue<String> alice = subscribe(login("alice", "alice-password"));
    BlockingQueue<String> bob = subscribe(login("bob", "bob-password"));
    notify("bob", "bob-1");
    notify("alice", "alice-1");
    notify("bob", "bob-2");
    assertThat(next(alice)).isEqualTo("data: alice-1");
    assertThat(next(bob)).isEqualTo("data: bob-1");
    assertThat(next(bob)).isEqualTo("data: bob-2");
    notify("alice", "alice-2");
    assertThat(next(alice)).as("bob's were never sent to alice").isEqualTo("data: alice-2");
  }

  @Test
  void theNotificationsPageNeedsALogin() throws Exception {
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(app("/notifications.html")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("location").orElse("")).endsWith("/login");
  }
}
