package dev.herald.server.http;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.HEAD;
import static io.netty.handler.codec.http.HttpMethod.OPTIONS;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.server.ServerConfig;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.sse.OpenStreams;
import dev.herald.server.trace.Tracing;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The route table behind the connection handler: which handler a method and path reach, and the
 * 404, 405 + Allow and OPTIONS answers when none does. Driven through {@link HubHandler} on an
 * {@link EmbeddedChannel}, so the bytes are those a client would get.
 */
class RouteTableTest {

  /** A handler that answers with its own name, so a test sees which route was taken. */
  private static RouteHandler named(String name) {
    return exchange -> exchange.respond(Responses.text(HttpResponseStatus.OK, name));
  }

  private static final RouteTable TABLE =
      new RouteTable(
          List.of(
              Route.exact("/hub", named("subscribe"), GET),
              Route.exact("/hub", named("publish"), POST),
              Route.prefix("/hub/subscriptions", named("subscriptions"), GET),
              Route.prefix("/files/", named("files"), GET, HEAD),
              Route.prefix("/files/deep/", named("deep"), GET),
              Route.exact("/files/exact", named("exact"), GET)));

  private static final ProtocolDialects DIALECTS =
      new ProtocolDialects(ServerConfig.builder().build());

  record Answer(HttpResponseStatus status, String body, String allow) {}

  private static Answer send(RouteTable table, HttpMethod method, String uri) {
    EmbeddedChannel channel = new EmbeddedChannel(new HubHandler(table, DIALECTS));
    try {
      channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
      FullHttpResponse response = channel.readOutbound();
      try {
        return new Answer(
            response.status(),
            response.content().toString(StandardCharsets.UTF_8),
            response.headers().get(HttpHeaderNames.ALLOW));
      } finally {
        response.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static Answer send(HttpMethod method, String uri) {
    return send(TABLE, method, uri);
  }

  @Test
  void methodAndPathChooseTheHandler() {
    assertThat(send(GET, "/hub?topic=x").body()).isEqualTo("subscribe");
    assertThat(send(POST, "/hub").body()).isEqualTo("publish");
  }

  @Test
  void unknownPathIs404NamingIt() {
    Answer answer = send(GET, "/nope");
    assertThat(answer.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(answer.body()).isEqualTo("no such resource: /nope\n");
  }

  @Test
  void wrongMethodIs405WithTheMethodsOfThatPath() {
    Answer answer = send(DELETE, "/hub");
    assertThat(answer.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
    assertThat(answer.allow()).isEqualTo("GET, POST, OPTIONS");
    assertThat(answer.body())
        .isEqualTo("method DELETE not allowed here (expected: GET, POST, OPTIONS)\n");
    assertThat(send(POST, "/files/a.css").allow()).isEqualTo("GET, HEAD, OPTIONS");
  }

  @Test
  void optionsOnAKnownPathIs204WithAllowAndNoBody() {
    EmbeddedChannel channel = new EmbeddedChannel(new HubHandler(TABLE, DIALECTS));
    channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, OPTIONS, "/hub"));
    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.NO_CONTENT);
    assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, POST, OPTIONS");
    assertThat(response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)).isFalse();
    assertThat(response.headers().contains(HttpHeaderNames.CONTENT_TYPE)).isFalse();
    assertThat(response.content().readableBytes()).isZero();
    response.release();
    channel.finishAndReleaseAll();
    assertThat(send(OPTIONS, "/nope").status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
  }

  @Test
  void exactPathsWinOverPrefixesAndTheLongestPrefixWins() {
    assertThat(send(GET, "/files/exact").body()).isEqualTo("exact");
    assertThat(send(GET, "/files/deep/x").body()).isEqualTo("deep");
    assertThat(send(GET, "/files/x").body()).isEqualTo("files");
    assertThat(send(GET, "/hub/subscriptions/a/b").body()).isEqualTo("subscriptions");
    // the longest prefix decides the methods too: HEAD is allowed on /files/ but not below deep/
    assertThat(send(HEAD, "/files/deep/x").status())
        .isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
  }

  @Test
  void undecodablePathIs400NotACrash() {
    Answer answer = send(GET, "/hub%zz");
    assertThat(answer.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
    assertThat(answer.body()).startsWith("malformed request: ").endsWith("\n");
  }

  @Test
  void aHandlersTypedErrorBecomesItsResponse() {
    RouteTable table =
        new RouteTable(
            List.of(
                Route.exact(
                    "/x",
                    exchange -> {
                      throw HttpError.forbidden("no (expected: yes)").withHeader("X-Why", "test");
                    },
                    GET)));
    EmbeddedChannel channel = new EmbeddedChannel(new HubHandler(table, DIALECTS));
    channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, GET, "/x"));
    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
    assertThat(response.headers().get("X-Why")).isEqualTo("test");
    assertThat(response.content().toString(StandardCharsets.UTF_8))
        .isEqualTo("no (expected: yes)\n");
    assertThat(channel.isOpen()).as("kept alive after an error").isTrue();
    response.release();
    channel.finishAndReleaseAll();
  }

  @Test
  void aListenerServesOnlyTheGroupsItIsGiven() {
    Hub hub = new Hub(HubConfig.DEFAULTS);
    try {
      ServerConfig config =
          ServerConfig.builder()
              .publisherKey(JwtKey.parse("HS256", "a-test-secret-that-is-long-enough-for-hs256"))
              .build();
      HubRoutes all =
          HubRoutes.create(
              hub,
              config,
              null,
              HubMetrics.disabled(hub),
              null,
              new OpenStreams(),
              Clock.systemUTC(),
              Tracing.OFF);
      RouteTable adminOnly = all.serving(EnumSet.of(RouteGroup.ADMIN)).table();
      assertThat(send(adminOnly, GET, "/readyz").body()).isEqualTo("ready\n");
      assertThat(send(adminOnly, GET, "/healthz").body()).isEqualTo("ok\n");
      assertThat(send(adminOnly, GET, "/.well-known/mercure?topic=x").status())
          .isEqualTo(HttpResponseStatus.NOT_FOUND);
      assertThat(send(adminOnly, GET, "/").status()).isEqualTo(HttpResponseStatus.NOT_FOUND);

      RouteTable withoutUi = all.serving(EnumSet.complementOf(EnumSet.of(RouteGroup.UI))).table();
      assertThat(send(withoutUi, GET, "/info").status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
      assertThat(send(withoutUi, GET, "/ui/index.html").status())
          .isEqualTo(HttpResponseStatus.NOT_FOUND);
      assertThat(send(withoutUi, DELETE, "/.well-known/mercure").allow())
          .isEqualTo("GET, POST, OPTIONS");
      assertThat(send(all.table(), GET, "/info").status()).isEqualTo(HttpResponseStatus.OK);
      // switched-off features have no route at all: no demo clock, metrics off
      assertThat(send(all.table(), GET, "/sse").status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
      assertThat(send(all.table(), GET, "/metrics").status())
          .isEqualTo(HttpResponseStatus.NOT_FOUND);
    } finally {
      hub.close();
    }
  }
}
