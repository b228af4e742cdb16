package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.Publication;
import dev.herald.spring.security.HeraldAccessPolicy;
import dev.herald.spring.security.HeraldGrants;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring Security decides for the embedded hub, over real sockets: a user logs in to the
 * application (Tomcat, a session saved by Spring Security), and the session cookie alone — no JWT
 * anywhere — lets the hub stream that user's private notifications and no one else's.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = SpringSecurityAccessTest.App.class,
    properties = {
      "herald.embedded.enabled=true",
      "herald.embedded.listen=127.0.0.1:0",
      "herald.embedded.warm-up=0",
      "herald.embedded.anonymous=false",
      "herald.embedded.jwt-key=a-test-secret-that-is-long-enough-for-hs256"
    })
class SpringSecurityAccessTest {

  static final String NOTIFICATIONS = "https://example.com/users/{id}/notifications";

  // No component scan: the starter's own classes live in this package tree.
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(App.Login.class)
  static class App {

    @Bean
    HeraldAccessPolicy notificationsOfTheirOwn() {
      return (user, request) ->
          switch (user.getName()) {
            case "mallory" -> null; // logged in, and refused
            case "crash" -> throw new IllegalStateException("the user table is gone");
            default ->
                HeraldGrants.subscribe(
                    "https://example.com/users/" + user.getName() + "/notifications");
          };
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(a -> a.requestMatchers("/login-as").permitAll())
          .authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .build();
    }

    /** A login without a form: the test's stand-in for the application's login page. */
    @RestController
    static class Login {
      private final HttpSessionSecurityContextRepository repository =
          new HttpSessionSecurityContextRepository();

      @GetMapping("/login-as")
      String login(
          @RequestParam String user, HttpServletRequest request, HttpServletResponse response) {
        request.getSession(true); // an id before login, changed by it (session fixation)
        request.changeSessionId();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(
            UsernamePasswordAuthenticationToken.authenticated(
                user, null, AuthorityUtils.createAuthorityList("ROLE_USER")));
        repository.saveContext(context, request, response);
        return "logged in as " + user;
      }
    }
  }

  @LocalServerPort int appPort;
  @Autowired EmbeddedHerald herald;
  @Autowired HeraldTemplate template;

  private final HttpClient http = HttpClient.newHttpClient();

  /** The session cookie the application sets at login, as a browser would send it to the hub. */
  private String loginAs(String user) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + appPort + "/login-as?user=" + user))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).isEqualTo("logged in as " + user);
    String setCookie = response.headers().firstValue("set-cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private URI notifications() {
    return URI.create(
        "http://127.0.0.1:"
            + herald.port()
            + "/.well-known/mercure?topic="
            + URLEncoder.encode(NOTIFICATIONS, StandardCharsets.UTF_8));
  }

  private void notify(String user, String text) {
    template.publish(
        Publication.to("https://example.com/users/" + user + "/notifications")
            .data(text)
            .privately()
            .build());
  }

  @Test
  void eachLoggedInUserReceivesTheirOwnNotificationsOnlyWithNoJwtAnywhere() throws Exception {
    String alice = loginAs("alice");
    String bob = loginAs("bob");
    try (SseLines alicePage = SseLines.open(notifications(), Map.of("Cookie", alice));
        SseLines bobPage = SseLines.open(notifications(), Map.of("Cookie", bob))) {
      assertThat(alicePage.response.statusCode()).isEqualTo(200);
      assertThat(bobPage.response.statusCode()).isEqualTo(200);
      notify("bob", "for bob");
      notify("alice", "for alice");
      notify("carol", "for carol");
      notify("bob", "bob again");
      assertThat(alicePage.next("data:")).isEqualTo("data: for alice");
      assertThat(bobPage.next("data:")).isEqualTo("data: for bob");
      assertThat(bobPage.next("data:")).isEqualTo("data: bob again");
      notify("alice", "alice again");
      assertThat(alicePage.next("data:"))
          .as("bob's and carol's skipped")
          .isEqualTo("data: alice again");
    }
  }

  @Test
  void aUserThePolicyRefusesGets403AndAFailingPolicy503() throws Exception {
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(notifications()).header("Cookie", loginAs("mallory")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).startsWith("the access policy refuses mallory");
    HttpResponse<String> failed =
        http.send(
            HttpRequest.newBuilder(notifications()).header("Cookie", loginAs("crash")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(failed.body()).startsWith("access policy failed: java.lang.IllegalStateException");
    assertThat(failed.headers().firstValue("retry-after")).hasValue("1");
    assertThat(herald.hub().subscriberCount()).isZero();
  }

  @Test
  void withoutALoggedInSessionTheHubAnswers401() throws Exception {
    for (Map<String, String> headers :
        List.of(Map.<String, String>of(), Map.of("Cookie", "JSESSIONID=forged"))) {
      HttpRequest.Builder request = HttpRequest.newBuilder(notifications());
      headers.forEach(request::header);
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).startsWith("no logged-in session");
    }
  }
}
