package dev.herald.cli;

import static dev.herald.cli.HubFixture.KEY;
import static dev.herald.cli.HubFixture.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.auth.Claims;
import dev.herald.core.auth.TokenVerifier;
import dev.herald.server.HeraldServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenCommandTest {

  private static String mint(String... options) {
    Cli cli = new Cli();
    List<String> args = new ArrayList<>(List.of("token", "--key", SECRET));
    args.addAll(List.of(options));
    assertThat(cli.run(args.toArray(String[]::new))).as(cli.err()).isZero();
    assertThat(cli.err()).isEmpty();
    assertThat(cli.out().lines()).hasSize(1);
    return cli.out().strip();
  }

  @Test
  void claimsAreWhatTheHubsVerifierReads() throws Exception {
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String token = mint("--publish", "https://example.com/books/{id}",
        "--subscribe", "https://example.com/a,https://example.com/b",
        "--payload", "{\"user\":\"alice\",\"roles\":[\"admin\"]}", "--ttl", "1h");
    Instant after = Instant.now();

    Claims claims = new TokenVerifier(KEY, Clock.systemUTC()).verify(token);
    assertThat(claims.publish()).containsExactly("https://example.com/books/{id}");
    assertThat(claims.subscribe())
        .containsExactly("https://example.com/a", "https://example.com/b");
    assertThat(claims.payload()).isEqualTo(Map.of("user", "alice", "roles", List.of("admin")));
    assertThat(claims.expiresAt()).isBetween(before.plus(Duration.ofHours(1)),
        after.plus(Duration.ofHours(1)));
  }

  @Test
  void commasSeparateSelectorsButNotTemplateVariables() throws Exception {
    String token = mint("--publish", "https://example.com/books{?page,sort},urn:a",
        "--publish", "https://example.com/{x,y}/z", "--subscribe", "https://example.com/{+p,q}");
    Claims claims = new TokenVerifier(KEY, Clock.systemUTC()).verify(token);
    assertThat(claims.publish()).containsExactly(
        "https://example.com/books{?page,sort}", "urn:a", "https://example.com/{x,y}/z");
    assertThat(claims.subscribe()).containsExactly("https://example.com/{+p,q}");
  }

  @Test
  void withoutTtlTheTokenDoesNotExpire() throws Exception {
    Claims claims = new TokenVerifier(KEY, Clock.systemUTC()).verify(mint("--publish", "*"));
    assertThat(claims.expiresAt()).isNull();
    assertThat(claims.subscribe()).isEmpty();
  }

  @Test
  void aMintedTokenPublishesToARunningHub() throws Exception {
    String token = mint("--publish", "https://example.com/books/{id}");
    try (HeraldServer server = HubFixture.start()) {
      Cli cli = new Cli();
      int exit = cli.run("publish", "--hub", HubFixture.hubUrl(server),
          "--topic", "https://example.com/books/1", "--data", "x", "--token", token);
      assertThat(exit).as(cli.err()).isZero();
      exit = cli.run("publish", "--hub", HubFixture.hubUrl(server),
          "--topic", "https://example.com/films/1", "--data", "x", "--token", token);
      assertThat(exit).as("topic outside mercure.publish").isEqualTo(1);
      assertThat(cli.errLines()).singleElement().asString().startsWith("publish: HTTP 403: ");
    }
  }

  @Test
  void payloadThatIsNotAJsonObjectIsAUsageError() {
    for (String payload : new String[] {"{user", "[1]", "\"alice\""}) {
      Cli cli = new Cli();
      assertThat(cli.run("token", "--key", SECRET, "--payload", payload))
          .as(payload).isEqualTo(Main.USAGE_ERROR);
      assertThat(cli.errLines()).as(payload).containsExactly(
          "token: --payload: " + payload + " (expected: a JSON object, e.g. {\"user\":\"alice\"})");
      assertThat(cli.out()).isEmpty();
    }
  }

  @Test
  void wrongKeyOrTtlIsAUsageError() {
    Cli cli = new Cli();
    assertThat(cli.run("token", "--key", "short")).isEqualTo(Main.USAGE_ERROR);
    assertThat(cli.errLines()).singleElement().asString().startsWith("token: jwt-key: 40 bits");

    cli = new Cli();
    assertThat(cli.run("token", "--key", SECRET, "--ttl", "0")).isEqualTo(Main.USAGE_ERROR);
    assertThat(cli.errLines()).containsExactly("token: ttl: PT0S (expected: > 0, or none)");

    cli = new Cli();
    assertThat(cli.run("token", "--key", SECRET, "--ttl", "soon")).isEqualTo(Main.USAGE_ERROR);
    assertThat(cli.errLines()).singleElement().asString()
        .contains("'soon'", "expected: a duration");
  }
}
