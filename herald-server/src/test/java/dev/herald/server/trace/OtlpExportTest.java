package dev.herald.server.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing as an operator turns it on (the SDK's autoconfigure module, OTLP over HTTP), exporting to
 * a small OTLP receiver on loopback that decodes the protobuf it is sent.
 */
class OtlpExportTest {

  private static final JwtKey KEY =
      JwtKey.parse("HS256", "a-test-secret-that-is-long-enough-for-hs256");
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TOPIC = "https://example.com/books/1";

  private final List<ExportedSpan> received = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private Tracing tracing;
  private HeraldServer herald;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/v1/traces",
        exchange -> {
          contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
          InputStream body = exchange.getRequestBody();
          if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            body = new GZIPInputStream(body);
          }
          received.addAll(ExportedSpan.decodeRequest(body.readAllBytes()));
          exchange.sendResponseHeaders(
              200, -1); // an empty ExportTraceServiceResponse: all accepted
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    if (herald != null) {
      herald.close();
    }
    if (tracing != null) {
      tracing.close();
    }
    receiver.stop(0);
  }

  @Test
  void publishSpansReachAnOtlpReceiver() throws Exception {
    // No protocol given: Herald's default (HTTP/protobuf) must work with the senders it ships,
    // where the SDK's own default (gRPC) has none.
    tracing =
        Tracing.autoconfigured(
            Map.of(
                "otel.exporter.otlp.traces.endpoint",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces"));
    ServerConfig config =
        ServerConfig.builder()
            .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
            .hub(HubConfig.DEFAULTS.withHistorySize(10))
            .publisherKey(KEY)
            .build();
    herald = HeraldServer.builder(config).hub(new Hub(config.hub())).tracing(tracing).start();

    String token = TokenMinter.mint(KEY, List.of("*"), null, null, null, Clock.systemUTC());
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + herald.port() + "/.well-known/mercure"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Bearer " + token)
                    .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "topic="
                                + URLEncoder.encode(TOPIC, StandardCharsets.UTF_8)
                                + "&data=hi"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    herald.close();
    herald = null;
    tracing.close(); // flushes the batch processor: the export is done when this returns
    tracing = null;

    assertThat(contentTypes)
        .isNotEmpty()
        .allSatisfy(type -> assertThat(type).isEqualTo("application/x-protobuf"));
    assertThat(received)
        .extracting(ExportedSpan::name)
        .containsExactlyInAnyOrder("POST /.well-known/mercure", "authorize publish", "publish");
    assertThat(received)
        .allSatisfy(
            span -> {
              assertThat(span.traceId()).isEqualTo(TRACE_ID);
              assertThat(span.resource()).containsEntry("service.name", "herald");
            });
    ExportedSpan request =
        received.stream().filter(span -> span.name().startsWith("POST")).findFirst().orElseThrow();
    ExportedSpan publish =
        received.stream().filter(span -> span.name().equals("publish")).findFirst().orElseThrow();
    assertThat(request.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(publish.parentSpanId()).isEqualTo(request.spanId());
    assertThat(publish.attributes())
        .containsEntry("messaging.destination.name", TOPIC)
        .containsEntry("messaging.message.id", response.body());
  }

  /**
   * One span of an OTLP {@code ExportTraceServiceRequest}, decoded by hand: just the fields the
   * test reads, so the test needs no protobuf runtime.
   */
  record ExportedSpan(
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      Map<String, String> attributes,
      Map<String, String> resource) {

    static List<ExportedSpan> decodeRequest(byte[] request) {
      List<ExportedSpan> spans = new ArrayList<>();
      for (Field resourceSpans : fields(request)) { // 1: ResourceSpans
        if (resourceSpans.number() != 1) {
          continue;
        }
        Map<String, String> resource = new HashMap<>();
        List<byte[]> scopeSpans = new ArrayList<>();
        for (Field field : fields(resourceSpans.bytes())) {
          if (field.number() == 1) { // Resource { 1: attributes }
            for (Field attribute : fields(field.bytes())) {
              if (attribute.number() == 1) {
                putKeyValue(resource, attribute.bytes());
              }
            }
          } else if (field.number() == 2) {
            scopeSpans.add(field.bytes());
          }
        }
        for (byte[] scope : scopeSpans) {
          for (Field span : fields(scope)) { // ScopeSpans { 2: spans }
            if (span.number() == 2) {
              spans.add(decodeSpan(span.bytes(), resource));
            }
          }
        }
      }
      return spans;
    }

    private static ExportedSpan decodeSpan(byte[] span, Map<String, String> resource) {
      String traceId = null;
      String spanId = null;
      String parent = "";
      String name = null;
      Map<String, String> attributes = new HashMap<>();
      for (Field field : fields(span)) {
        switch (field.number()) {
          case 1 -> traceId = HexFormat.of().formatHex(field.bytes());
          case 2 -> spanId = HexFormat.of().formatHex(field.bytes());
          case 4 -> parent = HexFormat.of().formatHex(field.bytes());
          case 5 -> name = new String(field.bytes(), StandardCharsets.UTF_8);
          case 9 -> putKeyValue(attributes, field.bytes());
          default -> {}
        }
      }
      return new ExportedSpan(traceId, spanId, parent, name, attributes, resource);
    }

    /** KeyValue { 1: key, 2: AnyValue { 1: string, 2: bool, 3: int, 4: double } }. */
    private static void putKeyValue(Map<String, String> into, byte[] keyValue) {
      String key = null;
      String value = null;
      for (Field field : fields(keyValue)) {
        if (field.number() == 1) {
          key = new String(field.bytes(), StandardCharsets.UTF_8);
        } else if (field.number() == 2) {
          for (Field any : fields(field.bytes())) {
            value =
                switch (any.number()) {
                  case 1 -> new String(any.bytes(), StandardCharsets.UTF_8);
                  case 2 -> Boolean.toString(any.varint() != 0);
                  case 3 -> Long.toString(any.varint());
                  case 4 -> Double.toString(Double.longBitsToDouble(any.varint()));
                  default -> value;
                };
          }
        }
      }
      into.put(key, value);
    }

    /** A field of a protobuf message: a varint/fixed value or length-delimited bytes. */
    private record Field(int number, long varint, byte[] bytes) {}

    private static List<Field> fields(byte[] message) {
      List<Field> fields = new ArrayList<>();
      ByteBuffer in = ByteBuffer.wrap(message).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      while (in.hasRemaining()) {
        long tag = varint(in);
        int number = (int) (tag >>> 3);
        switch ((int) (tag & 7)) {
          case 0 -> fields.add(new Field(number, varint(in), null));
          case 1 -> fields.add(new Field(number, in.getLong(), null));
          case 2 -> {
            byte[] bytes = new byte[(int) varint(in)];
            in.get(bytes);
            fields.add(new Field(number, 0, bytes));
          }
          case 5 -> fields.add(new Field(number, in.getInt(), null));
          default ->
              throw new IllegalArgumentException(
                  "wire type " + (tag & 7) + " of field " + number + " (expected: 0, 1, 2 or 5)");
        }
      }
      return fields;
    }

    private static long varint(ByteBuffer in) {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = in.get();
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
    }
  }
}
