package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The position endpoint under draft-08: an access token's {@code publish} detail grants it, one
 * with only {@code subscribe} details is refused with {@code insufficient_scope}. Runs on the JUnit
 * thread over real sockets.
 */
class PositionDraft08Test extends ServerTestBase {

  private static final String BOOK = "https://example.com/books/1";

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .protocols(
            ProtocolConfig.DEFAULTS
                .withResourceId(Draft08ServerTest.RESOURCE)
                .withIssuers(List.of(Draft08ServerTest.ISSUER + "=" + SECRET)));
  }

  private HttpResponse<String> position(String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure/last-event-id"))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anAccessTokenThatMayPublishReadsThePosition() throws Exception {
    String id = publishOk("topic=" + enc(BOOK) + "&data=a");
    HttpResponse<String> answer = position(Draft08ServerTest.ACCESS_PUBLISHER);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(id + "\n");
    assertThat(answer.headers().firstValue("link")).hasValueSatisfying(l -> l.contains(id));
  }

  @Test
  void anAccessTokenThatMaySubscribeOnlyIsRefusedForInsufficientScope() throws Exception {
    HttpResponse<String> answer =
        position(
            Draft08ServerTest.accessToken(List.of(), List.of("*"), Draft08ServerTest.RESOURCE));
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.body()).contains("the hub's position is for publishers");
    assertThat(answer.headers().firstValue("www-authenticate").orElse(""))
        .contains("insufficient_scope");
  }
}
