package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.HubConfig;
import dev.herald.core.HubException;
import dev.herald.core.Update;
import dev.herald.core.property.HostileText;
import dev.herald.core.property.PropertyCases;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the hub's edge over real sockets, against one running hub: whatever bytes a
 * publisher sends as a form and whatever a subscriber puts in the query or {@code Last-Event-ID},
 * the answer is below 500 and, when it is an error, carries a one-line reason; and a well-formed
 * form is answered exactly as the core decides for the same fields, so the edge decodes forms as
 * {@code application/x-www-form-urlencoded} means.
 *
 * <p>Runs on the JUnit thread; each try opens and closes its own connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubInputPropertiesTest {

  private static final String SUBSCRIBER = ServerTestBase.token(null, List.of("*"), null);
  private static final List<String> FIELDS =
      List.of("topic", "data", "id", "type", "retry", "private");

  private HeraldServer server;

  @BeforeAll
  void start() throws Exception {
    server =
        HeraldServer.start(
            ServerConfig.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .hub(HubConfig.DEFAULTS.withHistorySize(100))
                .publisherKey(ServerTestBase.KEY)
                .subscriberKey(ServerTestBase.KEY)
                .heartbeat(Duration.ofSeconds(40))
                .build());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static Stream<Named<byte[]>> publishBodies() {
    return PropertyCases.of(
        "publish-body",
        200,
        random ->
            random.nextBoolean()
                ? HostileText.bytes(random, 600)
                : formLike(random).getBytes(StandardCharsets.UTF_8));
  }

  static Stream<Named<Map<String, List<String>>>> wellFormedForms() {
    return PropertyCases.of("publish-form", 200, HubInputPropertiesTest::form);
  }

  static Stream<Named<byte[]>> subscribeRequests() {
    return PropertyCases.of(
        "subscribe-request",
        200,
        random -> {
          String query =
              random.nextBoolean()
                  ? formLike(random)
                  : new String(HostileText.bytes(random, 300), StandardCharsets.ISO_8859_1);
          StringBuilder request =
              new StringBuilder("GET /.well-known/mercure?")
                  .append(query.replaceAll("[\r\n]", "%"))
                  .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n")
                  .append("Authorization: Bearer ")
                  .append(SUBSCRIBER)
                  .append("\r\n");
          if (random.nextBoolean()) {
            request
                .append("Last-Event-ID: ")
                .append(HostileText.string(random, 60).replaceAll("[\r\n]", ""))
                .append("\r\n");
          }
          return request
              .append("Connection: close\r\n\r\n")
              .toString()
              .getBytes(StandardCharsets.UTF_8);
        });
  }

  @ParameterizedTest
  @MethodSource("publishBodies")
  void anyPublishBodyIsAnsweredBelow500(byte[] body) throws Exception {
    RawHttp.Response response = RawHttp.exchange(server.port(), publishRequest(body));
    assertBelow500WithAReason(response);
    if (response.status() == 200) {
      // the event's id: the hub's urn:uuid, or the publisher's own
      assertThat(response.body()).isNotEmpty().doesNotContain("\n", "\r");
    }
  }

  @ParameterizedTest
  @MethodSource("wellFormedForms")
  void aWellFormedFormIsAnsweredAsTheCoreDecides(Map<String, List<String>> form) throws Exception {
    String encoded =
        form.entrySet().stream()
            .flatMap(
                field ->
                    field.getValue().stream().map(value -> enc(field.getKey()) + "=" + enc(value)))
            .collect(Collectors.joining("&"));
    RawHttp.Response response =
        RawHttp.exchange(server.port(), publishRequest(encoded.getBytes(StandardCharsets.UTF_8)));
    String refusal = null;
    try {
      Update.fromForm(form);
    } catch (HubException e) {
      refusal = e.getMessage();
    }
    if (refusal == null) {
      assertThat(response.status()).as(response.body()).isEqualTo(200);
    } else {
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).isEqualTo(refusal + "\n");
    }
  }

  @ParameterizedTest
  @MethodSource("subscribeRequests")
  void anySubscribeQueryIsAnsweredBelow500(byte[] request) throws Exception {
    RawHttp.Response response = RawHttp.exchange(server.port(), request);
    assertBelow500WithAReason(response);
  }

  @Test
  void theWellFormedFormsExerciseBothAnswers() {
    List<Map<String, List<String>>> sample = wellFormedForms().map(Named::getPayload).toList();
    long accepted =
        sample.stream()
            .filter(
                form -> {
                  try {
                    Update.fromForm(form);
                    return true;
                  } catch (HubException refused) {
                    return false;
                  }
                })
            .count();
    assertThat(accepted)
        .as("accepted of %s", sample.size())
        .isBetween(sample.size() / 10L, sample.size() * 9L / 10);
  }

  private static void assertBelow500WithAReason(RawHttp.Response response) {
    assertThat(response.status()).as(response.body()).isBetween(200, 499);
    if (response.status() >= 400) {
      assertThat(response.headers().get("content-type")).startsWith("text/plain");
      assertThat(response.body()).endsWith("\n");
      assertThat(response.body().strip()).isNotEmpty().doesNotContain("\n", "\r");
    }
  }

  private static byte[] publishRequest(byte[] body) {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(
        ("POST /.well-known/mercure HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer "
                + ServerTestBase.PUBLISHER
                + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    request.writeBytes(body);
    return request.toByteArray();
  }

  /** Fields and values, raw or half-encoded: stray '%', bad hex, '+', '&' and '=' in odd places. */
  private static String formLike(Random random) {
    StringBuilder out = new StringBuilder();
    int pairs = random.nextInt(6);
    for (int i = 0; i < pairs; i++) {
      if (i > 0) {
        out.append(random.nextInt(6) == 0 ? "&&" : "&");
      }
      out.append(
          random.nextInt(3) > 0
              ? FIELDS.get(random.nextInt(FIELDS.size()))
              : HostileText.string(random, 6));
      out.append(random.nextInt(8) == 0 ? "" : "=");
      String value = HostileText.string(random, 80);
      out.append(random.nextBoolean() ? enc(value) : value);
      if (random.nextInt(5) == 0) {
        out.append('%').append(HostileText.from(random, "0123456789abcdefXYZ%", 2));
      }
    }
    return out.toString();
  }

  /** Fields of an update, and sometimes an unknown one; values often valid, often not. */
  private static Map<String, List<String>> form(Random random) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (String field : FIELDS) {
      if (random.nextInt(3) > 0 || field.equals("topic")) {
        int count = field.equals("topic") ? 1 + random.nextInt(3) : random.nextInt(8) == 0 ? 2 : 1;
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          values.add(
              switch (random.nextInt(3)) {
                case 0 -> HostileText.string(random, 120);
                case 1 ->
                    field.equals("retry")
                        ? HostileText.from(random, "0123456789", 6)
                        : HostileText.string(random, 120).replaceAll("[\r\n\0]", "");
                default ->
                    field.equals("topic")
                        ? "https://example.com/books/" + random.nextInt(100)
                        : HostileText.from(random, "abcdefgh0123", 10);
              });
        }
        form.put(field, values);
      }
    }
    if (random.nextInt(4) == 0) {
      form.put("x-" + HostileText.string(random, 6), List.of(HostileText.string(random, 20)));
    }
    return form;
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
