package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.HeraldServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} with draft-08 options over real sockets: the development mode's printed access
 * token and a {@code herald token} minted for an {@code --issuer} both publish to the hub.
 */
class Draft08ServeTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static HttpResponse<String> publish(String hub, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(hub))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString("topic=https%3A%2F%2Fexample.com%2Fa&data=x"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theDevelopmentAccessTokenPublishesAsDraft08() throws Exception {
    try (Cli cli = new Cli(Map.of("HERALD_LISTEN", "127.0.0.1:0"))) {
      HeraldServer server = cli.start().awaitServer();
      Matcher printed =
          Pattern.compile(
                  "draft-08 access token \\(issuer urn:herald:development,"
                      + " valid 12h\\): (\\S+)")
              .matcher(cli.out());
      assertThat(printed.find()).as(cli.out()).isTrue();
      assertThat(cli.out())
          .contains(
              "draft-08:   resource id http://127.0.0.1:0/.well-known/mercure;"
                  + " issuers: urn:herald:development");

      HttpResponse<String> response = publish(HubFixture.hubUrl(server), printed.group(1));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
  }

  @Test
  void aTokenMintedForAConfiguredIssuerPublishesAndAnotherIssuerIsRefused() throws Exception {
    String resource = "https://hub.example/.well-known/mercure";
    try (Cli cli =
        new Cli(
            Map.of(
                "HERALD_LISTEN",
                "127.0.0.1:0",
                "HERALD_ISSUER",
                "https://a.example="
                    + HubFixture.SECRET
                    + "\nhttps://b.example="
                    + HubFixture.OTHER_SECRET,
                "HERALD_RESOURCE_ID",
                resource))) {
      HeraldServer server = cli.start().awaitServer();
      assertThat(cli.out())
          .contains("issuers: https://a.example, https://b.example")
          .doesNotContain(HubFixture.SECRET);

      Cli mint = new Cli();
      assertThat(
              mint.run(
                  "token",
                  "--key",
                  HubFixture.SECRET,
                  "--issuer",
                  "https://a.example",
                  "--audience",
                  resource,
                  "--publish",
                  "https://example.com/a"))
          .isZero();
      assertThat(publish(HubFixture.hubUrl(server), mint.out().strip()).statusCode())
          .isEqualTo(200);

      Cli forged = new Cli();
      assertThat(
              forged.run(
                  "token",
                  "--key",
                  HubFixture.SECRET,
                  "--issuer",
                  "https://b.example",
                  "--audience",
                  resource,
                  "--publish",
                  "*"))
          .isZero();
      HttpResponse<String> refused = publish(HubFixture.hubUrl(server), forged.out().strip());
      assertThat(refused.statusCode()).as("b's name, a's key").isEqualTo(401);
      assertThat(refused.headers().firstValue("www-authenticate").orElse(""))
          .startsWith("Bearer error=\"invalid_token\"");
    }
  }
}
